/* gdbserver.h - where gdb connects: a TCP or Unix socket and the thread
 * that feeds the stub. */
#ifndef VMM_GDBSERVER_H
#define VMM_GDBSERVER_H

#include <stdbool.h>

struct gdb_target;
struct gdbserver;

#define GDBSERVER_DEFAULT "127.0.0.1:1234"

/* Listen on addr: tcp:HOST:PORT, HOST:PORT, :PORT, PORT or unix:PATH.
 * NULL with a message on failure. */
struct gdbserver *gdbserver_open(const char *addr, struct gdb_target *t);
/* What to type in gdb: "target remote :1234". */
const char *gdbserver_target_cmd(const struct gdbserver *s);
/* Start the stub thread. */
int gdbserver_start(struct gdbserver *s);
/* Stop the thread, close the sockets, remove a Unix socket file. */
void gdbserver_close(struct gdbserver *s);

#endif
