/*
 * attendance.h — a calendar answer (iTIP REPLY) told in words to the
 * people who organise the meeting (DESIGN.md §3).
 */
#ifndef CDP_ATTENDANCE_H
#define CDP_ATTENDANCE_H

#include <stddef.h>
#include <stdint.h>

struct casework;

/* The case's referent and privileged contact, but the person who
 * answered, get the 'attendance' mail: who (sender_id; their name, else
 * their address) answered partstat ("ACCEPTED", "DECLINED" or
 * "TENTATIVE") to the meeting starting at starts_at.  0 or -1. */
int attendance_tell(struct casework *cw, int64_t case_id, const char *ref,
    int64_t sender_id, const char *partstat, long long starts_at,
    char *err, size_t errlen);

#endif
