/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real sockets for rcmgr selftests: loopback up, a TCP listener on it, and
 * connected pairs, for binding conns to sockets the kernel can verify.
 */
#ifndef _RCMGR_NET_H
#define _RCMGR_NET_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bring lo up (a fresh network namespace has it down): 0 or -1. */
static inline int net_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!ret)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret;
}

/* A TCP listener on 127.0.0.1, any port: its fd, or -1. */
static inline int net_listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 128))
		return -1;
	return fd;
}

/* A connected pair over loopback: *cli dialled, *srv accepted; 0 or -1. */
static inline int net_tcp_pair(int lfd, int *cli, int *srv)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(lfd, (void *)&a, &len))
		return -1;
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	if (*cli < 0 || connect(*cli, (void *)&a, len))
		return -1;
	*srv = accept(lfd, NULL, NULL);
	return *srv < 0 ? -1 : 0;
}

#endif /* _RCMGR_NET_H */
