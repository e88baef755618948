// SPDX-License-Identifier: GPL-2.0
/*
 * switch_lag.bpf.c - the switch of scripts/testbed --switch.
 *
 * Attached as a clsact ingress filter (direct-action) on every port of the
 * switch namespace. A frame that enters on a client-facing port (c0..c{N-1})
 * leaves on one member of the LAG toward the server (v0..v{N-1}), and the
 * other way round. Which member is the switch's own choice, deliberately
 * unlike the Linux bonding hash (docs/switch.md):
 *
 *   SW_MODE 0 "l4"          seeded multiplicative mix of addresses, protocol
 *                           and both L4 ports (ports steer it, opaquely)
 *   SW_MODE 1 "l3"          the same mix of the addresses only (ports can't
 *                           steer: every flow between two hosts on one member)
 *   SW_MODE 2 "per-packet"  a random member for every frame (spraying)
 *   SW_MODE 3 "adaptive"    l4, but a flow idle for SW_IDLE_NS or more moves
 *                           to another member on its next frame (flowlets)
 *
 * SW_INGRESS 1 adds the ingress port's index to the hash, as many switches do.
 *
 * Compile-time parameters (-D): SW_MODE, SW_SEED (32-bit), SW_INGRESS,
 * SW_NPORTS (1..8), SW_CLIENT_IFINDEX0..7 and SW_SERVER_IFINDEX0..7 (the
 * ports' ifindexes in the switch namespace), SW_IDLE_NS.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SW_MODE_L4        0
#define SW_MODE_L3        1
#define SW_MODE_PACKET    2
#define SW_MODE_ADAPTIVE  3

#ifndef SW_MODE
#define SW_MODE SW_MODE_L4
#endif
#ifndef SW_SEED
#define SW_SEED 1
#endif
#ifndef SW_INGRESS
#define SW_INGRESS 0
#endif
#ifndef SW_IDLE_NS
#define SW_IDLE_NS 100000000ULL
#endif
#ifndef SW_NPORTS
#error "SW_NPORTS must be defined"
#endif
#if SW_NPORTS < 1 || SW_NPORTS > 8
#error "SW_NPORTS must be in 1..8"
#endif

#ifndef SW_CLIENT_IFINDEX0
#define SW_CLIENT_IFINDEX0 0
#endif
#ifndef SW_CLIENT_IFINDEX1
#define SW_CLIENT_IFINDEX1 0
#endif
#ifndef SW_CLIENT_IFINDEX2
#define SW_CLIENT_IFINDEX2 0
#endif
#ifndef SW_CLIENT_IFINDEX3
#define SW_CLIENT_IFINDEX3 0
#endif
#ifndef SW_CLIENT_IFINDEX4
#define SW_CLIENT_IFINDEX4 0
#endif
#ifndef SW_CLIENT_IFINDEX5
#define SW_CLIENT_IFINDEX5 0
#endif
#ifndef SW_CLIENT_IFINDEX6
#define SW_CLIENT_IFINDEX6 0
#endif
#ifndef SW_CLIENT_IFINDEX7
#define SW_CLIENT_IFINDEX7 0
#endif
#ifndef SW_SERVER_IFINDEX0
#define SW_SERVER_IFINDEX0 0
#endif
#ifndef SW_SERVER_IFINDEX1
#define SW_SERVER_IFINDEX1 0
#endif
#ifndef SW_SERVER_IFINDEX2
#define SW_SERVER_IFINDEX2 0
#endif
#ifndef SW_SERVER_IFINDEX3
#define SW_SERVER_IFINDEX3 0
#endif
#ifndef SW_SERVER_IFINDEX4
#define SW_SERVER_IFINDEX4 0
#endif
#ifndef SW_SERVER_IFINDEX5
#define SW_SERVER_IFINDEX5 0
#endif
#ifndef SW_SERVER_IFINDEX6
#define SW_SERVER_IFINDEX6 0
#endif
#ifndef SW_SERVER_IFINDEX7
#define SW_SERVER_IFINDEX7 0
#endif

static __always_inline __u32 client_port(__u32 k)
{
	switch (k) {
	case 0: return SW_CLIENT_IFINDEX0;
	case 1: return SW_CLIENT_IFINDEX1;
	case 2: return SW_CLIENT_IFINDEX2;
	case 3: return SW_CLIENT_IFINDEX3;
	case 4: return SW_CLIENT_IFINDEX4;
	case 5: return SW_CLIENT_IFINDEX5;
	case 6: return SW_CLIENT_IFINDEX6;
	case 7: return SW_CLIENT_IFINDEX7;
	}
	return 0;
}

static __always_inline __u32 server_port(__u32 k)
{
	switch (k) {
	case 0: return SW_SERVER_IFINDEX0;
	case 1: return SW_SERVER_IFINDEX1;
	case 2: return SW_SERVER_IFINDEX2;
	case 3: return SW_SERVER_IFINDEX3;
	case 4: return SW_SERVER_IFINDEX4;
	case 5: return SW_SERVER_IFINDEX5;
	case 6: return SW_SERVER_IFINDEX6;
	case 7: return SW_SERVER_IFINDEX7;
	}
	return 0;
}

/* A flow as the switch keys it (adaptive mode's table). */
struct flow_key {
	__u32 words[9];   /* src[4], dst[4], proto << 16 | ingress */
	__u32 ports;
};

struct flow_state {
	__u64 last_ns;
	__u32 member;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_state);
} flows SEC(".maps");

/* murmur3's finalizer: multiplications, so not XOR-affine like the bond's. */
static __always_inline __u32 mix(__u32 h, __u32 w)
{
	h ^= w * 0xcc9e2d51u;
	h = (h << 13) | (h >> 19);
	h = h * 5 + 0xe6546b64u;
	return h;
}

static __always_inline __u32 finish(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Fills the key from the IPv4/IPv6 header; 0 for anything else. */
static __always_inline int flow_of(struct __sk_buff *skb, struct flow_key *k, __u32 ingress)
{
	__u32 thoff;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr iph;

		if (bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)) < 0)
			return 0;
		k->words[0] = iph.saddr;
		k->words[4] = iph.daddr;
		proto = iph.protocol;
		thoff = ETH_HLEN + (iph.ihl << 2);
		if (iph.frag_off & bpf_htons(0x3fff))
			proto = 0;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)) < 0)
			return 0;
		__builtin_memcpy(&k->words[0], &ip6.saddr, 16);
		__builtin_memcpy(&k->words[4], &ip6.daddr, 16);
		proto = ip6.nexthdr;
		thoff = ETH_HLEN + sizeof(ip6);
	} else {
		return 0;
	}
	k->words[8] = ((__u32)proto << 16) | (SW_INGRESS ? ingress : 0);
	if (SW_MODE != SW_MODE_L3 && (proto == 6 || proto == 17))
		if (bpf_skb_load_bytes(skb, thoff, &k->ports, 4) < 0)
			k->ports = 0;
	return 1;
}

static __always_inline __u32 hash_of(const struct flow_key *k)
{
	__u32 h = SW_SEED, i;

#pragma unroll
	for (i = 0; i < 9; i++)
		h = mix(h, k->words[i]);
	h = mix(h, k->ports);
	return finish(h ^ SW_SEED);
}

static __always_inline __u32 member_of(struct __sk_buff *skb, __u32 ingress)
{
	struct flow_key k = {};
	struct flow_state *st, fresh = {};
	__u64 now;

	if (SW_MODE == SW_MODE_PACKET)
		return bpf_get_prandom_u32() % SW_NPORTS;
	if (!flow_of(skb, &k, ingress))
		return 0;
	if (SW_MODE != SW_MODE_ADAPTIVE)
		return hash_of(&k) % SW_NPORTS;

	now = bpf_ktime_get_ns();
	st = bpf_map_lookup_elem(&flows, &k);
	if (!st) {
		fresh.member = hash_of(&k) % SW_NPORTS;
		fresh.last_ns = now;
		bpf_map_update_elem(&flows, &k, &fresh, BPF_ANY);
		return fresh.member;
	}
	if (SW_NPORTS > 1 && now - st->last_ns >= SW_IDLE_NS)
		st->member = (st->member + 1 + bpf_get_prandom_u32() % (SW_NPORTS - 1)) % SW_NPORTS;
	st->last_ns = now;
	return st->member;
}

SEC("tc")
int switch_lag(struct __sk_buff *skb)
{
	__u32 in = skb->ingress_ifindex, k, port = 0, member, out;
	int from_client = -1;

#pragma unroll
	for (k = 0; k < SW_NPORTS; k++) {
		if (from_client < 0 && in == client_port(k)) {
			from_client = 1;
			port = k;
		} else if (from_client < 0 && in == server_port(k)) {
			from_client = 0;
			port = k;
		}
	}
	if (from_client < 0)
		return TC_ACT_SHOT;
	member = member_of(skb, port);
	out = from_client ? server_port(member) : client_port(member);
	if (!out)
		return TC_ACT_SHOT;
	return bpf_redirect(out, 0);
}

char _license[] SEC("license") = "GPL";
