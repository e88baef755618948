// SPDX-License-Identifier: GPL-2.0
/*
 * bond_xmit.bpf.c - transmit side of bondperf's emulated bond.
 *
 * Attached as a clsact egress filter (direct-action) on the emulated bond
 * device. For every packet it picks a slave the way the Linux bonding driver
 * does (current kernel, >= 5.18, little-endian host; see
 * docs/bonding-hash.md) and redirects the packet to that slave's egress.
 *
 * Compile-time parameters (scripts/testbed passes them with -D, one object
 * per namespace because ifindexes differ per namespace):
 *   BOND_POLICY   0 = layer2, 1 = layer3+4, 2 = layer2+3 (the kernel's
 *                 xmit_hash_policy numbers), 100 = balance-rr
 *   BOND_NSLAVES  number of slaves, 1..8
 *   SLAVE_IFINDEX0 .. SLAVE_IFINDEX7   ifindex of slave k (in enslave order)
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/<multiarch> -D... -c
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define POLICY_LAYER2   0
#define POLICY_LAYER34  1
#define POLICY_LAYER23  2
#define POLICY_RR       100

#ifndef BOND_POLICY
#define BOND_POLICY POLICY_LAYER34
#endif
#ifndef BOND_NSLAVES
#error "BOND_NSLAVES must be defined"
#endif
#if BOND_NSLAVES < 1 || BOND_NSLAVES > 8
#error "BOND_NSLAVES must be in 1..8"
#endif

#ifndef SLAVE_IFINDEX0
#define SLAVE_IFINDEX0 0
#endif
#ifndef SLAVE_IFINDEX1
#define SLAVE_IFINDEX1 0
#endif
#ifndef SLAVE_IFINDEX2
#define SLAVE_IFINDEX2 0
#endif
#ifndef SLAVE_IFINDEX3
#define SLAVE_IFINDEX3 0
#endif
#ifndef SLAVE_IFINDEX4
#define SLAVE_IFINDEX4 0
#endif
#ifndef SLAVE_IFINDEX5
#define SLAVE_IFINDEX5 0
#endif
#ifndef SLAVE_IFINDEX6
#define SLAVE_IFINDEX6 0
#endif
#ifndef SLAVE_IFINDEX7
#define SLAVE_IFINDEX7 0
#endif

/* Protocol numbers not all UAPI headers spell the same way. */
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_DCCP     33
#define PROTO_ESP      50
#define PROTO_AH       51
#define PROTO_ICMPV6   58
#define PROTO_SCTP     132
#define PROTO_UDPLITE  136
#define PROTO_IGMP     2

/*
 * balance-rr packet counter. The kernel's counter is per CPU
 * (this_cpu_inc_return since v5.14), so this is a one-entry per-CPU array.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rr_counter SEC(".maps");

/* What bond_flow_dissect() extracts for the layer* policies. */
struct flow {
	__u32 src;        /* flow_get_u32_src(): v4 address or ipv6_addr_hash() */
	__u32 dst;
	__u32 ports;      /* the 4 port bytes as a host u32 (memcpy), or 0 */
	__u32 icmp;       /* {u8 type, u8 code, u16 id (host order)} as a u32 */
	__u16 icmp_id;
	int proto;        /* -1 = unknown (fragment) */
};

static __always_inline __u32 slave_ifindex(__u32 idx)
{
	switch (idx) {
	case 0: return SLAVE_IFINDEX0;
	case 1: return SLAVE_IFINDEX1;
	case 2: return SLAVE_IFINDEX2;
	case 3: return SLAVE_IFINDEX3;
	case 4: return SLAVE_IFINDEX4;
	case 5: return SLAVE_IFINDEX5;
	case 6: return SLAVE_IFINDEX6;
	case 7: return SLAVE_IFINDEX7;
	}
	return 0;
}

/* bond_eth_hash(): h_dest[5] ^ h_source[5] ^ be16_to_cpu(h_proto). */
static __always_inline __u32 eth_hash(struct __sk_buff *skb)
{
	__u8 eth[ETH_HLEN];

	if (bpf_skb_load_bytes(skb, 0, eth, sizeof(eth)) < 0)
		return 0;
	return (__u32)eth[5] ^ (__u32)eth[11] ^ (((__u32)eth[12] << 8) | eth[13]);
}

/* proto_ports_offset() */
static __always_inline int ports_offset(int proto)
{
	switch (proto) {
	case PROTO_TCP:
	case PROTO_UDP:
	case PROTO_DCCP:
	case PROTO_ESP:
	case PROTO_SCTP:
	case PROTO_UDPLITE:
		return 0;
	case PROTO_AH:
		return 4;
	}
	return -1;
}

/* __skb_flow_get_ports(): raw 4 bytes at the port offset, 0 if absent. */
static __always_inline __u32 get_ports(struct __sk_buff *skb, __u32 thoff, int proto)
{
	int poff = ports_offset(proto);
	__u32 ports;

	if (poff < 0)
		return 0;
	if (bpf_skb_load_bytes(skb, thoff + poff, &ports, sizeof(ports)) < 0)
		return 0;
	return ports;
}

/* bond_flow_ip(): addresses, L4 protocol and (for layer3+4) the ports. */
static __always_inline int flow_ip(struct __sk_buff *skb, struct flow *f,
				   __u32 *nhoff, int l34)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr iph;

		if (bpf_skb_load_bytes(skb, *nhoff, &iph, sizeof(iph)) < 0)
			return 0;
		f->src = iph.saddr;
		f->dst = iph.daddr;
		*nhoff += iph.ihl << 2;
		/* ip_is_fragment(): MF set or offset != 0 */
		if (!(iph.frag_off & bpf_htons(0x3fff)))
			f->proto = iph.protocol;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, *nhoff, &ip6, sizeof(ip6)) < 0)
			return 0;
		/* ipv6_addr_hash(): XOR of the four 32-bit words */
		f->src = ip6.saddr.in6_u.u6_addr32[0] ^ ip6.saddr.in6_u.u6_addr32[1] ^
			 ip6.saddr.in6_u.u6_addr32[2] ^ ip6.saddr.in6_u.u6_addr32[3];
		f->dst = ip6.daddr.in6_u.u6_addr32[0] ^ ip6.daddr.in6_u.u6_addr32[1] ^
			 ip6.daddr.in6_u.u6_addr32[2] ^ ip6.daddr.in6_u.u6_addr32[3];
		*nhoff += sizeof(ip6);
		/* no extension header is skipped */
		f->proto = ip6.nexthdr;
	} else {
		return 0;
	}

	if (l34 && f->proto >= 0)
		f->ports = get_ports(skb, *nhoff, f->proto);
	return 1;
}

/* icmp_has_id() (type only, for ICMP and ICMPv6 alike, as in the kernel) */
static __always_inline int icmp_has_id(__u8 type)
{
	return type == 0 || type == 8 || type == 13 || type == 14 ||
	       type == 128 || type == 129;
}

/* icmp_is_err() / icmpv6_is_err() */
static __always_inline int icmp_is_err(int proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/*
 * bond_flow_dissect() for layer2+3 / layer3+4. Returns 0 when the packet is
 * not IPv4/IPv6 or too short (the caller then uses the layer2 hash).
 */
static __always_inline int flow_dissect(struct __sk_buff *skb, struct flow *f, int l34)
{
	__u32 nhoff = ETH_HLEN;
	__u8 ih[8];
	__u8 type;

	f->ports = 0;
	f->icmp = 0;
	f->proto = -1;
	if (!flow_ip(skb, f, &nhoff, l34))
		return 0;

	if (f->proto != PROTO_ICMP && f->proto != PROTO_ICMPV6)
		return 1;

	/*
	 * skb_flow_get_icmp_tci(): reads a struct icmphdr (8 bytes); if that
	 * fails the key stays zero. id = ntohs(echo.id), 0 mapped to 1, only
	 * for types that carry an id.
	 */
	if (bpf_skb_load_bytes(skb, nhoff, ih, sizeof(ih)) == 0) {
		__u32 id = 0;

		if (icmp_has_id(ih[0])) {
			id = ((__u32)ih[4] << 8) | ih[5];
			if (id == 0)
				id = 1;
		}
		f->icmp = (__u32)ih[0] | ((__u32)ih[1] << 8) | (id << 16);
		f->icmp_id = id;
	}
	type = f->icmp & 0xff;
	if (!icmp_is_err(f->proto, type))
		return 1;

	/* ICMP error: hash the quoted packet (its addresses and ports). */
	nhoff += 8;
	return flow_ip(skb, f, &nhoff, l34);
}

/* bond_ip_hash() */
static __always_inline __u32 ip_hash(__u32 hash, const struct flow *f, int l34)
{
	hash ^= f->dst ^ f->src;
	hash ^= hash >> 16;
	hash ^= hash >> 8;
	if (l34)
		return hash >> 1;
	return hash;
}

/* __bond_xmit_hash() for layer2, layer2+3, layer3+4 */
static __always_inline __u32 xmit_hash(struct __sk_buff *skb)
{
	struct flow f = {};
	int policy = BOND_POLICY;
	int l34 = policy == POLICY_LAYER34;
	__u32 hash;

	if (policy == POLICY_LAYER2 || !flow_dissect(skb, &f, l34))
		return eth_hash(skb);

	if (policy == POLICY_LAYER23)
		hash = eth_hash(skb);
	else if (f.icmp_id)
		hash = f.icmp;
	else
		hash = f.ports;
	return ip_hash(hash, &f, l34);
}

/* bond_xmit_roundrobin_slave_get(): IGMP to the first slave, else counter */
static __always_inline __u32 rr_slave(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *cnt;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 proto;

		if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1) == 0 &&
		    proto == PROTO_IGMP)
			return 0;
	}
	cnt = bpf_map_lookup_elem(&rr_counter, &key);
	if (!cnt)
		return 0;
	*cnt += 1;             /* this_cpu_inc_return(): first packet gets id 1 */
	return (__u32)(*cnt % BOND_NSLAVES);
}

SEC("tc")
int bond_xmit(struct __sk_buff *skb)
{
	__u32 idx, ifindex;

	if (BOND_POLICY == POLICY_RR)
		idx = rr_slave(skb);
	else
		idx = xmit_hash(skb) % BOND_NSLAVES;

	ifindex = slave_ifindex(idx);
	if (!ifindex)
		return TC_ACT_SHOT;
	return bpf_redirect(ifindex, 0);
}

char _license[] SEC("license") = "GPL";
