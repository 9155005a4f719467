# reverse_free.py - sourced by tests/gdb/reverse.sh inside gdb: a continue
# runs at full speed and its steps are counted only when gdb goes back
# over it (doc/reverse.md). $mode 0, the truth: stepi from the start to
# bump's $hits-th call, printing the state one step before it and at it.
# $mode 1: break bump, continue $hits times, then reverse-stepi and stepi
# over the last continue's end, and reverse-continue back over all of
# them, and forward again, printing the states met. A state is vmm's step count, the hash of
# all guest RAM and the whole g packet (every register gdb has).
import gdb


def state():
    regs = gdb.execute("maint packet g", to_string=True).split("received: ")[-1].strip()
    h = gdb.execute("monitor record hash", to_string=True).strip()
    return "%s regs %s" % (h, regs)


def say(what):
    print("%s: %s" % (what, state()))


hits = int(gdb.parse_and_eval("$hits"))
bump = int(gdb.parse_and_eval("(long)&bump"))
if int(gdb.parse_and_eval("$mode")) == 0:
    seen = 0
    prev = state()
    while True:
        gdb.execute("stepi", to_string=True)
        if int(gdb.parse_and_eval("(long)$pc")) == bump:
            seen += 1
            if seen == hits:
                break
        prev = state()
    print("before: %s" % prev)
    say("at")
else:
    gdb.execute("break bump", to_string=True)
    for i in range(hits):
        gdb.execute("continue", to_string=True)
        say("hit %d" % (i + 1))
    gdb.execute("reverse-stepi", to_string=True)
    say("before")
    gdb.execute("stepi", to_string=True)
    say("at")
    for i in range(hits - 1, 0, -1):
        gdb.execute("reverse-continue", to_string=True)
        say("back %d" % i)
    print(gdb.execute("monitor record status", to_string=True))
    # every continue counted now: forward again replays them, exactly
    for i in range(hits - 1):
        gdb.execute("continue", to_string=True)
    say("again")
