#define _GNU_SOURCE
#include <linux/sockios.h>
#include <sched.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <unistd.h>

#include "CBondPerfLinux.h"

int cbondperf_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int cbondperf_unacknowledged_bytes(int descriptor, int *bytes) {
  return ioctl(descriptor, SIOCOUTQ, bytes);
}

int cbondperf_set_thread_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return -2;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set);
}

int cbondperf_clear_thread_cpu(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  long count = sysconf(_SC_NPROCESSORS_CONF);
  for (long cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++) CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set);
}

int cbondperf_thread_cpu_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  return CPU_COUNT(&set);
}

int cbondperf_packet_socket(int ifindex) {
  int descriptor = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
  if (descriptor < 0) return -1;
  struct sockaddr_ll address;
  memset(&address, 0, sizeof(address));
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = ifindex;
  if (bind(descriptor, (struct sockaddr *)&address, sizeof(address)) < 0) {
    int saved = errno;
    close(descriptor);
    errno = saved;
    return -1;
  }
  return descriptor;
}

long cbondperf_packet_receive(int descriptor, void *buffer, unsigned long length, int *protocol,
                              int *incoming) {
  struct sockaddr_ll address;
  socklen_t size = sizeof(address);
  long count = recvfrom(descriptor, buffer, length, MSG_DONTWAIT | MSG_TRUNC,
                        (struct sockaddr *)&address, &size);
  if (count < 0) return -1;
  *protocol = ntohs(address.sll_protocol);
  *incoming = address.sll_pkttype != PACKET_OUTGOING;
  return count;
}

int cbondperf_send_datagrams(int descriptor, const void *buffer, unsigned long length,
                             unsigned int count) {
  struct mmsghdr messages[CBONDPERF_DATAGRAM_BATCH];
  struct iovec vectors[CBONDPERF_DATAGRAM_BATCH];
  if (count > CBONDPERF_DATAGRAM_BATCH) count = CBONDPERF_DATAGRAM_BATCH;
  memset(messages, 0, sizeof(messages[0]) * count);
  for (unsigned int i = 0; i < count; i++) {
    vectors[i].iov_base = (char *)buffer + i * length;
    vectors[i].iov_len = length;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  return sendmmsg(descriptor, messages, count, MSG_NOSIGNAL);
}

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

int cbondperf_receive_datagrams(int descriptor, void *buffer, unsigned long slot,
                                unsigned int count, unsigned long *lengths, int *segments) {
  struct mmsghdr messages[CBONDPERF_DATAGRAM_BATCH];
  struct iovec vectors[CBONDPERF_DATAGRAM_BATCH];
  union {
    char bytes[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } controls[CBONDPERF_DATAGRAM_BATCH];
  if (count > CBONDPERF_DATAGRAM_BATCH) count = CBONDPERF_DATAGRAM_BATCH;
  memset(messages, 0, sizeof(messages[0]) * count);
  for (unsigned int i = 0; i < count; i++) {
    vectors[i].iov_base = (char *)buffer + i * slot;
    vectors[i].iov_len = slot;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = controls[i].bytes;
    messages[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
  }
  int received = recvmmsg(descriptor, messages, count, MSG_WAITFORONE, NULL);
  if (received < 0) return -1;
  for (int i = 0; i < received; i++) {
    lengths[i] = messages[i].msg_len;
    segments[i] = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&messages[i].msg_hdr); header != NULL;
         header = CMSG_NXTHDR(&messages[i].msg_hdr, header)) {
      if (header->cmsg_level == SOL_UDP && header->cmsg_type == UDP_GRO) {
        memcpy(&segments[i], CMSG_DATA(header), sizeof(int));
      }
    }
  }
  return received;
}
