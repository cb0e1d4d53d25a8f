/* Descriptors of every kind strace's -yy details, each made, used and closed: TCP
 * listening, connected and accepted, a UDPv6 socket bound by its first sendto, unix
 * stream and datagram pairs, a unix socket bound to a path (argv[1]/sock) and one to an
 * abstract name, a netlink socket before and after bind, /dev/null, a pidfd and a file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void tcp(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	bind(l, (void *)&a, sizeof a);
	socklen_t n = sizeof a;
	getsockname(l, (void *)&a, &n);
	listen(l, 1);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof a);
	int s = accept(l, 0, 0);
	write(c, "x", 1);
	read(s, &n, 1);
	shutdown(c, SHUT_WR);
	close(s);
	close(c);
	close(l);
}

static void udp6(void)
{
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 b = {.sin6_family = AF_INET6, .sin6_port = htons(9),
				 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	sendto(u, "x", 1, 0, (void *)&b, sizeof b);
	fcntl(u, F_GETFL);
	close(u);
}

static void unix_sockets(const char *dir)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "y", 1);
	close(sv[0]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	close(sv[0]);
	close(sv[1]);
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	snprintf(un.sun_path, sizeof un.sun_path, "%s/sock", dir);
	unlink(un.sun_path);
	bind(x, (void *)&un, sizeof un);
	listen(x, 1);
	fcntl(x, F_GETFD);
	close(x);
	unlink(un.sun_path);
	x = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un ab = {.sun_family = AF_UNIX, .sun_path = "\0sigsys-fds"};
	bind(x, (void *)&ab, 2 + 11);
	fcntl(x, F_GETFD);
	close(x);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	tcp();
	udp6();
	unix_sockets(dir);
	int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct sockaddr_nl snl = {.nl_family = AF_NETLINK};
	bind(nl, (void *)&snl, sizeof snl);
	fcntl(nl, F_GETFD);
	close(nl);
	int d = open("/dev/null", O_RDONLY);
	close(d);
	int pf = syscall(SYS_pidfd_open, getpid(), 0);
	close(pf);
	int f = open(argv[0], O_RDONLY);
	close(f);
	return 0;
}
