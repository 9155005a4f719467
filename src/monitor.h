/* monitor.h - gdb's "monitor" commands (qRcmd). */
#ifndef VMM_MONITOR_H
#define VMM_MONITOR_H

struct gdb_target;
struct gdbstub_out;

/* Run one command line; prints to out. 0, or a negative errno. */
int monitor_run(struct gdb_target *t, const char *cmd, struct gdbstub_out *out);

#endif
