/*
 * fault.h — crash points for tests.
 *
 * A test sets CDP_FAULT=NAME:N in the daemon's environment; when the
 * program passes fault_point(NAME, N) it kills itself with SIGKILL, as a
 * power cut or the OOM killer would, between two steps that must each be
 * durable on their own.  The test then starts the program again and checks
 * that nothing was lost and nothing done twice.  With CDP_FAULT=NAME:N:term
 * the program sends itself SIGTERM there instead and goes on, as when a
 * stop comes at that very moment.  Without CDP_FAULT a fault point costs
 * one getenv().
 */
#ifndef CDP_FAULT_H
#define CDP_FAULT_H

/* Kills the process if CDP_FAULT is "name:n" (n counted by the caller,
 * e.g. the jobs committed so far in this pass); "name:n:term" raises
 * SIGTERM and returns. */
void fault_point(const char *name, long n);

#endif
