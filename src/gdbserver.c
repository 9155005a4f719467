/* gdbserver.c - sockets and the stub thread.
 *
 * The thread poll()s the listening socket, the connected gdb and the
 * eventfd the vCPU thread writes when the guest stops. One gdb at a time:
 * a second connection is told so and closed, and the first goes on.
 * While a reply waits for room in the socket, what gdb sends is read
 * (into in[]) and fed afterwards: gdb may be blocked writing its acks
 * or the rest of a pipeline, and would never read otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gdb_target.h"
#include "gdbserver.h"
#include "gdbstub.h"
#include "util.h"

#define STUB_BUF (256 << 10)	/* half in, half out: PacketSize ~128 KiB */
#define SEND_TIMEOUT_MS 10000	/* no progress this long: gdb stopped reading */
/* What gdb sends while a reply waits for room is read into this, and fed
 * once the reply is out: a client that writes while it reads (every ack
 * in ack mode, a pipeline of requests) must not be left blocked on its
 * own write while vmm waits for it to read. Bounded, so that a client
 * that only writes fills it and is then dropped: 256 KiB is some 16,000
 * small requests or every ack of them. */
#define IN_BUF (256 << 10)

struct gdbserver {
	struct gdb_target *t;
	struct gdbstub *stub;
	int listen_fd;
	int client_fd;			/* -1: no gdb */
	int refused_fd;			/* a second client, to be told no */
	bool refused_told;		/* ... and it has been */
	uint64_t refused_until;		/* CLOCK_MONOTONIC ms: then close it */
	int quit_pipe[2];		/* gdbserver_close -> thread */
	bool is_unix, local;
	char unix_path[108];		/* sun_path; removed at close */
	char target_cmd[160];
	pthread_t thread;
	bool started;
	uint8_t buf[STUB_BUF];
	/* The attached gdb's input and output (reset at each attach). */
	uint8_t in[IN_BUF];		/* received, not yet fed */
	size_t in_len;
	bool in_eof;			/* gdb closed its end: feed in[], drop */
	int write_err;			/* a reply failed: drop at once */
	uint64_t sent, received;	/* bytes, for the drop message */
	char why[256];			/* the drop message, if write_err */
};

static int parse_tcp(const char *addr, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(addr, ':');
	char *end;
	long p;

	if (!colon) {			/* "1234" */
		snprintf(host, hostlen, "127.0.0.1");
		colon = addr - 1;
	} else if (colon == addr) {	/* ":1234" */
		snprintf(host, hostlen, "127.0.0.1");
	} else {
		snprintf(host, hostlen, "%.*s", (int)(colon - addr), addr);
	}
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static int open_tcp(struct gdbserver *s, const char *addr)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char host[128], port_s[16];
	int port, one = 1, err;

	if (parse_tcp(addr, host, sizeof(host), &port) < 0) {
		pr_err("--gdb=%s: not an address (try :1234, 127.0.0.1:1234 or unix:/path)", addr);
		return -1;
	}
	snprintf(port_s, sizeof(port_s), "%d", port);
	err = getaddrinfo(host, port_s, &hints, &ai);
	if (err) {
		pr_err("--gdb=%s: %s: %s", addr, host, gai_strerror(err));
		return -1;
	}
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		pr_err("socket: %m");
		freeaddrinfo(ai);
		return -1;
	}
	setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->listen_fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno == EADDRINUSE)
			pr_err("--gdb: %s:%d is already in use (another vmm or gdbserver?); pick another port with --gdb=:PORT",
			       host, port);
		else
			pr_err("--gdb: bind %s:%d: %m", host, port);
		freeaddrinfo(ai);
		return -1;
	}
	memcpy(&sin, ai->ai_addr, sizeof(sin));
	freeaddrinfo(ai);
	if (listen(s->listen_fd, 4) < 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sin, &len) < 0) {
		pr_err("--gdb: listen: %m");
		return -1;
	}
	s->local = (ntohl(sin.sin_addr.s_addr) >> 24) == 127;
	if (!s->local)
		pr_warn("the gdb stub listens on %s:%d: anyone who can reach that port can read and change the guest and run code in it",
			host, ntohs(sin.sin_port));
	snprintf(s->target_cmd, sizeof(s->target_cmd), "target remote %s:%d",
		 s->local ? "" : host, ntohs(sin.sin_port));
	return 0;
}

/* A socket file nobody listens on is stale (a vmm that died): replace it.
 * One somebody listens on is refused. */
static int unix_path_free(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		pr_err("--gdb=unix:%s: the path exists and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	r = fd < 0 ? -1 : connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (fd >= 0)
		close(fd);
	if (r == 0) {
		pr_err("--gdb=unix:%s: another program is listening there", path);
		return -1;
	}
	unlink(path);
	return 0;
}

static int open_unix(struct gdbserver *s, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (!*path || strlen(path) >= sizeof(sun.sun_path)) {
		pr_err("--gdb=unix:%s: a socket path needs 1 to %zu characters",
		       path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (unix_path_free(path, &sun) < 0)
		return -1;
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 ||
	    bind(s->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		pr_err("--gdb=unix:%s: %m", path);
		return -1;
	}
	strcpy(s->unix_path, path);
	/* Only its owner may connect: a umask alone would leave 0700 or
	 * wider, depending on who runs vmm. */
	if (chmod(path, 0600) < 0 || listen(s->listen_fd, 4) < 0) {
		pr_err("--gdb=unix:%s: %m", path);
		return -1;
	}
	s->is_unix = true;
	s->local = true;
	snprintf(s->target_cmd, sizeof(s->target_cmd), "target remote %s", path);
	return 0;
}

struct gdbserver *gdbserver_open(const char *addr, struct gdb_target *t)
{
	struct gdbserver *s = calloc(1, sizeof(*s));
	int r;

	if (!s) {
		pr_err("out of memory");
		return NULL;
	}
	s->t = t;
	s->listen_fd = s->client_fd = s->refused_fd = -1;
	s->quit_pipe[0] = s->quit_pipe[1] = -1;
	if (!strncmp(addr, "unix:", 5))
		r = open_unix(s, addr + 5);
	else
		r = open_tcp(s, strncmp(addr, "tcp:", 4) ? addr : addr + 4);
	if (r < 0 || pipe2(s->quit_pipe, O_CLOEXEC) < 0) {
		gdbserver_close(s);
		return NULL;
	}
	t->local = s->local;
	return s;
}

const char *gdbserver_target_cmd(const struct gdbserver *s)
{
	return s->target_cmd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Take what gdb sent, into in[] (as much as fits). False when gdb has
 * closed its end or the socket failed. */
static bool take_input(struct gdbserver *s)
{
	ssize_t n;

	if (s->in_eof || s->in_len == IN_BUF)
		return true;
	n = recv(s->client_fd, s->in + s->in_len, IN_BUF - s->in_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		s->in_eof = true;
		return false;
	}
	s->in_len += (size_t)n;
	s->received += (uint64_t)n;
	return true;
}

/* gdb has taken nothing of a reply for SEND_TIMEOUT_MS: say so, with
 * the numbers. */
static int write_stalled(struct gdbserver *s, size_t left, size_t len)
{
	snprintf(s->why, sizeof(s->why),
		 "stopped reading replies: it took no byte in %d s, %zu of %zu waiting to be sent (it took %llu bytes since it attached; of the %llu it sent, %zu wait unread)",
		 SEND_TIMEOUT_MS / 1000, left, len,
		 (unsigned long long)s->sent, (unsigned long long)s->received,
		 s->in_len);
	return -ETIMEDOUT;
}

/* Wait for room to send, reading gdb's input meanwhile (see IN_BUF).
 * Only vmm's exit (the quit pipe) or the deadline ends the wait early. */
static int wait_writable(struct gdbserver *s, uint64_t deadline,
			 size_t left, size_t len)
{
	struct pollfd pfd[2];
	uint64_t now;
	int r;

	for (;;) {
		now = now_ms();
		pfd[0] = (struct pollfd){ .fd = s->client_fd, .events = POLLOUT };
		if (!s->in_eof && s->in_len < IN_BUF)
			pfd[0].events |= POLLIN;
		pfd[1] = (struct pollfd){ .fd = s->quit_pipe[0], .events = POLLIN };
		r = poll(pfd, 2, deadline > now ? (int)(deadline - now) : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return write_stalled(s, left, len);
		if (pfd[1].revents)
			return -ECANCELED;	/* vmm is exiting */
		if (pfd[0].revents & POLLIN)
			take_input(s);
		if (pfd[0].revents & (POLLOUT | POLLERR | POLLHUP))
			return 0;	/* room, or an error send() will name */
	}
}

/* Send it all, but never block where vmm could not quit: a gdb that
 * stops reading (suspended, wedged, hostile) fills the socket, and then
 * only SEND_TIMEOUT_MS without progress, or vmm's own exit, ends the
 * wait. A failure is kept in write_err: the client is dropped. */
static int sock_write(void *ctx, const void *buf, size_t len)
{
	struct gdbserver *s = ctx;
	uint64_t deadline = now_ms() + SEND_TIMEOUT_MS;
	const char *p = buf;
	size_t left = len;
	ssize_t n;
	int err = 0;

	while (left && !err) {
		n = send(s->client_fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			left -= (size_t)n;
			s->sent += (uint64_t)n;
			deadline = now_ms() + SEND_TIMEOUT_MS;
		} else if (n == 0) {
			err = -EPIPE;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			err = wait_writable(s, deadline, left, len);
		} else if (errno != EINTR) {
			err = -errno;
		}
	}
	if (err && !s->write_err) {
		s->write_err = err;
		if (err != -ETIMEDOUT)
			snprintf(s->why, sizeof(s->why),
				 "could not be sent a reply: %s",
				 strerror(-err));
	}
	return err;
}

/* why: NULL for a clean end (detach, kill: the stub has done what gdb
 * asked); else gdb vanished, and gdb_target_disconnect() pauses the guest
 * where it is for the next gdb, even if it was running (gdb killed during
 * continue): a debugger that dies must not leave its guest running
 * unwatched. */
static void drop_client(struct gdbserver *s, const char *why)
{
	if (s->client_fd < 0)
		return;
	close(s->client_fd);
	s->client_fd = -1;
	if (!gdb_target_disconnect(s->t, why != NULL))
		why = NULL;	/* the run was over: nothing stays paused */
	if (why)
		pr_warn("gdb %s; the guest stays paused for the next gdb", why);
}

/* A second debugger is told why it cannot attach: "$E.msg#cs", sent as
 * the reply to its first packet (acked), then vmm waits for it to hang up
 * before closing - so that gdb reads the reason instead of failing to
 * write its ack into a closed socket. Two seconds at most either way. */
static void refuse_send(int fd, bool ack)
{
	static const char msg[] = "E.vmm: another debugger is already attached";
	char pkt[128];
	unsigned sum = 0;
	size_t i;

	for (i = 0; msg[i]; i++)
		sum += (unsigned char)msg[i];
	snprintf(pkt, sizeof(pkt), "%s$%s#%02x", ack ? "+" : "", msg, sum & 0xff);
	if (send(fd, pkt, strlen(pkt), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		pr_info("refusing a second debugger: %m");
}

static void refused_close(struct gdbserver *s)
{
	if (s->refused_fd < 0)
		return;
	if (!s->refused_told)
		refuse_send(s->refused_fd, false);
	close(s->refused_fd);
	s->refused_fd = -1;
}

/* Input (or a hang-up) from the refused client. */
static void refused_input(struct gdbserver *s)
{
	char junk[4096];
	ssize_t n;

	n = recv(s->refused_fd, junk, sizeof(junk), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		s->refused_told = true;	/* gone: nothing more to say */
		refused_close(s);
		return;
	}
	if (!s->refused_told && memchr(junk, '#', n)) {
		refuse_send(s->refused_fd, true);
		s->refused_told = true;
	}
}

static void client_input(struct gdbserver *s);

/* Is the attached gdb still there? Its input may end in a hang-up that
 * poll() reported together with the new connection (a gdb that quit and
 * a new one that connected at once): take what it sent, up to its end. */
static bool client_alive(struct gdbserver *s)
{
	struct pollfd pfd;
	int i;

	for (i = 0; i < 64 && s->client_fd >= 0; i++) {
		pfd = (struct pollfd){ .fd = s->client_fd, .events = POLLIN };
		if (poll(&pfd, 1, 0) <= 0 || !pfd.revents)
			break;
		client_input(s);
	}
	return s->client_fd >= 0;
}

static void accept_client(struct gdbserver *s)
{
	int fd, one = 1;

	fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (client_alive(s)) {
		pr_warn("refused a second debugger: one is attached already");
		refused_close(s);	/* one at a time */
		s->refused_fd = fd;	/* answered when it speaks */
		s->refused_told = false;
		s->refused_until = now_ms() + 2000;
		return;
	}
	if (!s->is_unix)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->client_fd = fd;
	s->in_len = 0;
	s->in_eof = false;
	s->write_err = 0;
	s->sent = s->received = 0;
	gdb_target_attach(s->t);
	gdbstub_reset(s->stub);
	pr_info("gdb attached");
}

/* Feed the stub what gdb sent. The stub's replies may take in more
 * (sock_write reads while it waits), appended behind what is being fed. */
static void feed_input(struct gdbserver *s)
{
	size_t n;
	int r;

	while (s->client_fd >= 0 && s->in_len) {
		n = s->in_len;
		r = gdbstub_feed(s->stub, s->in, n);
		memmove(s->in, s->in + n, s->in_len - n);
		s->in_len -= n;
		if (r == GDBSTUB_CLOSE) {
			drop_client(s, NULL);
			return;
		}
		if (s->write_err == -ECANCELED)
			return;		/* vmm is exiting: the thread ends */
		if (r < 0 || s->write_err) {
			drop_client(s, s->write_err ? s->why :
				    "could not be sent a reply");
			return;
		}
	}
	if (s->client_fd >= 0 && s->in_eof)
		drop_client(s, "disconnected without detaching");
}

static void client_input(struct gdbserver *s)
{
	if (!take_input(s) && s->in_len == 0) {
		drop_client(s, "disconnected without detaching");
		return;
	}
	feed_input(s);
}

static void *server_thread(void *arg)
{
	struct gdbserver *s = arg;
	struct pollfd pfd[5];
	int n, wait_ms;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = s->quit_pipe[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = s->t->wake_fd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = s->refused_fd, .events = POLLIN };
		pfd[4] = (struct pollfd){ .fd = s->client_fd, .events = POLLIN };
		/* A refused client gets 2 s to speak and hang up. */
		wait_ms = -1;
		if (s->refused_fd >= 0)
			wait_ms = s->refused_until > now_ms() ?
				  (int)(s->refused_until - now_ms()) : 0;
		n = poll(pfd, 5, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || pfd[0].revents)
			break;
		if (s->refused_fd >= 0 && pfd[3].revents)
			refused_input(s);
		if (s->refused_fd >= 0 && now_ms() >= s->refused_until)
			refused_close(s);
		if (pfd[2].revents)
			gdb_target_deliver(s->t, s->client_fd >= 0 ? s->stub : NULL);
		if (s->client_fd >= 0 && s->write_err &&
		    s->write_err != -ECANCELED)
			drop_client(s, s->why);	/* gone quiet during output */
		if (pfd[1].revents)
			accept_client(s);
		if (s->client_fd >= 0 && (pfd[4].revents || s->in_len || s->in_eof))
			client_input(s);
	}
	return NULL;
}

int gdbserver_start(struct gdbserver *s)
{
	struct gdbstub_config cfg = {
		.ops = &gdb_target_ops,
		.ctx = s->t,
		.write = sock_write,
		.write_ctx = s,
		.buf = s->buf,
		.buf_len = sizeof(s->buf),
		.layout = &gdb_x86_64_layout,
		.tx_rle = true,
	};
	sigset_t block, old;
	int err;

	s->stub = gdbstub_create(&cfg);
	if (!s->stub) {
		pr_err("gdbstub_create: %m");
		return -1;
	}
	/* Signals belong to the vCPU thread: they are how it is kicked. */
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	err = pthread_create(&s->thread, NULL, server_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("pthread_create: %s", strerror(err));
		return -1;
	}
	s->started = true;
	return 0;
}

void gdbserver_close(struct gdbserver *s)
{
	if (!s)
		return;
	if (s->started) {
		if (write(s->quit_pipe[1], "q", 1) < 0)
			pr_warn("stopping the gdb thread: %m");
		pthread_join(s->thread, NULL);
	}
	if (s->client_fd >= 0)
		close(s->client_fd);
	if (s->refused_fd >= 0)
		close(s->refused_fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->quit_pipe[0] >= 0)
		close(s->quit_pipe[0]);
	if (s->quit_pipe[1] >= 0)
		close(s->quit_pipe[1]);
	if (s->unix_path[0])
		unlink(s->unix_path);
	if (s->stub)
		gdbstub_destroy(s->stub);
	free(s);
}
