#!/usr/bin/python3
"""check_man.py — the man pages cannot drift from the program.

    check_man.py CONF CONFIG_C MAN5 MAIN_C MAN8

Every [section] key of the example configuration (CONF, set or commented
out as "#key = value"), of the key table of config.c (CONFIG_C) and of
coupdepouce.conf(5) (MAN5: ".SS [section]" then ".TP" / ".B key") must be
the same set; every subcommand of main.c's table (MAIN_C) must have its
".TP" / ".B name" entry in the COMMANDS section of coupdepouce(8) (MAN8).
Prints each difference, then "man pages agree" or exits 1.
"""
import re
import sys


def conf_keys(path):
    keys, section = set(), None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^\[([a-z]+)\]\s*$", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^#?([a-z_]+) =", line)
        if m and section:
            keys.add("[%s] %s" % (section, m.group(1)))
    return keys


def table_keys(path):
    text = open(path, encoding="utf-8").read()
    return {"[%s] %s" % m for m in
            re.findall(r'\{ "([a-z]+)", "([a-z_]+)", T_', text)}


def man_entries(path, section_re):
    """Names after ".TP" / ".B", keyed by the .SS or .SH they are under."""
    found, head, prev = set(), None, ""
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"^\.S[SH] (.*)$", line)
        if m:
            head = m.group(1).strip('"')
        m = re.match(r"^\.B ([a-z_]+)\b", line)
        if m and prev == ".TP" and head and re.match(section_re, head):
            found.add((head, m.group(1)))
        prev = line
    return found


def main():
    conf, config_c, man5, main_c, man8 = sys.argv[1:6]
    bad = 0
    sets = {
        conf: conf_keys(conf),
        config_c: table_keys(config_c),
        man5: {"%s %s" % e for e in man_entries(man5, r"^\[[a-z]+\]$")},
    }
    every = set().union(*sets.values())
    for path, keys in sets.items():
        for k in sorted(every - keys):
            print("%s: key %s is missing" % (path, k))
            bad = 1
    commands = set(re.findall(r'^\t\{ "([a-z]+)", cmd_',
                              open(main_c, encoding="utf-8").read(), re.M))
    documented = {e[1] for e in man_entries(man8, r"^COMMANDS$")}
    for c in sorted(commands - documented):
        print("%s: command %s is not documented" % (man8, c))
        bad = 1
    for c in sorted(documented - commands):
        print("%s: command %s does not exist" % (man8, c))
        bad = 1
    if not commands or not sets[config_c]:
        print("no command or no key found: the sources changed shape")
        bad = 1
    if bad:
        sys.exit(1)
    print("man pages agree: %d keys, %d commands" %
          (len(every), len(commands)))


main()
