#!/usr/bin/env python3
"""Check the emulated bond's transmit hash against an independent model.

Sends COUNT random crafted frames (IPv4/IPv6 TCP, UDP, SCTP, ESP, AH, ICMP
echo/errors with quoted packets, fragments, IP options, extension headers,
truncated headers, non-IP ethertypes) on bond0 through an AF_PACKET socket and
checks that each leaves on the slave a Python model of the kernel's
__bond_xmit_hash() (docs/bonding-hash.md) predicts, via tx_packets deltas.
Not for balance-rr. The model reproduces the golden vectors E1-E4 of the doc (§5).

usage (testbed up with POLICY and N slaves):
  ip netns exec bp-client python3 scripts/bpf/hashcheck.py POLICY N COUNT [SEED]
"""
import os, random, socket, struct, sys, time

POLICY, N, COUNT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else 1
rng = random.Random(SEED)

# ------------------------------------------------------------ reference model
def u32(b):            # host (LE) u32 load
    return int.from_bytes(b, 'little')

def eth_hash(f):
    if len(f) < 14:
        return 0
    return f[5] ^ f[11] ^ ((f[12] << 8) | f[13])

PORT_OFF = {6: 0, 17: 0, 33: 0, 50: 0, 132: 0, 136: 0, 51: 4}

def flow_ip(f, l2, st, l34):
    nh = st['nhoff']
    if l2 == 0x0800:
        if len(f) < nh + 20:
            return False
        st['src'] = u32(f[nh+12:nh+16]); st['dst'] = u32(f[nh+16:nh+20])
        ihl = f[nh] & 0xf
        frag = struct.unpack('!H', f[nh+6:nh+8])[0] & 0x3fff
        st['nhoff'] = nh + ihl * 4
        if not frag:
            st['proto'] = f[nh+9]
    elif l2 == 0x86dd:
        if len(f) < nh + 40:
            return False
        w = [u32(f[nh+8+4*i:nh+12+4*i]) for i in range(8)]
        st['src'] = w[0] ^ w[1] ^ w[2] ^ w[3]; st['dst'] = w[4] ^ w[5] ^ w[6] ^ w[7]
        st['nhoff'] = nh + 40
        st['proto'] = f[nh+6]
    else:
        return False
    if l34 and st['proto'] >= 0:
        st['ports'] = 0
        po = PORT_OFF.get(st['proto'])
        t = st['nhoff']
        if po is not None and len(f) >= t + po + 4 and t + po >= 0:
            st['ports'] = u32(f[t+po:t+po+4])
    return True

def flow_dissect(f, l2, l34):
    st = dict(nhoff=14, proto=-1, ports=0, icmp=0, icmp_id=0, src=0, dst=0)
    if not flow_ip(f, l2, st, l34):
        return None
    if st['proto'] in (1, 58):
        t = st['nhoff']
        if len(f) >= t + 8:
            typ, code = f[t], f[t+1]
            idv = 0
            if typ in (0, 8, 13, 14, 128, 129):
                idv = struct.unpack('!H', f[t+4:t+6])[0] or 1
            st['icmp'] = typ | code << 8 | idv << 16
            st['icmp_id'] = idv
        typ = st['icmp'] & 0xff
        err = typ in (3, 4, 5, 11, 12) if st['proto'] == 1 else typ in (1, 2, 3, 4)
        if not err:
            return st
        st['nhoff'] += 8
        if not flow_ip(f, l2, st, l34):
            return None
    return st

def bond_hash(f, l2, policy):
    l34 = policy == 'layer3+4'
    st = None if policy == 'layer2' else flow_dissect(f, l2, l34)
    if st is None:
        return eth_hash(f)
    if policy == 'layer2+3':
        h = eth_hash(f)
    else:
        h = st['icmp'] if st['icmp_id'] else st['ports']
    h ^= st['dst'] ^ st['src']
    h ^= h >> 16
    h ^= h >> 8
    return (h >> 1) if l34 else h

# ------------------------------------------------------------ frame builders
def mac():
    return bytes([2] + [rng.randrange(256) for _ in range(5)])

def v4addr():
    return bytes([198, 18 + rng.randrange(2), rng.randrange(256), rng.randrange(256)])

def v6addr():
    return bytes([0x20, 0x01, 0, 2] + [rng.randrange(256) for _ in range(12)])

def l4(proto):
    """An L4 header (sometimes truncated) for proto."""
    if proto in (1, 58):
        typ = rng.choice([0, 8, 13, 14, 128, 129, 3, 11, 1, 2, 4, 5, 12, 133, 135, 9])
        body = bytes([typ, rng.randrange(4)]) + b'\0\0' + \
            struct.pack('!H', rng.choice([0, 1, rng.randrange(65536)])) + b'\0\0'
        return body
    hdr = struct.pack('!HH', rng.randrange(65536), rng.randrange(65536)) + \
        bytes(rng.randrange(256) for _ in range(16))
    if rng.random() < 0.05:
        hdr = hdr[:rng.randrange(8)]
    return hdr

def ipv4(proto, payload, frag=0, ihl=5):
    opts = bytes(4 * (ihl - 5)) if ihl >= 5 else b''
    tot = 20 + len(opts) + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, tot, rng.randrange(65536), frag,
                    64, proto, 0, v4addr(), v4addr())
    return h + opts + payload

def ipv6(nexthdr, payload):
    return struct.pack('!IHBB', 0x60000000, len(payload), nexthdr, 64) + v6addr() + v6addr() + payload

PROTOS = [6, 17, 6, 17, 33, 132, 136, 50, 51, 47, 1, 58, 0, 43, 44, 60, 89]

def gen():
    kind = rng.random()
    dmac, smac = mac(), mac()
    if kind < 0.45:                                  # IPv4
        proto = rng.choice(PROTOS)
        frag = 0
        r = rng.random()
        if r < 0.1:
            frag = 0x2000                            # first fragment (MF)
        elif r < 0.15:
            frag = rng.randrange(1, 0x2000)          # later fragment
        ihl = 5 if rng.random() < 0.85 else rng.choice([6, 7, 15])
        pl = l4(proto)
        if proto == 1 and rng.random() < 0.6:        # ICMP error quoting a packet
            pl = pl[:8] + ipv4(rng.choice([6, 17, 1, 50]), l4(6)[:rng.choice([0, 2, 4, 8])],
                               frag=rng.choice([0, 0, 0x2000]))
            pl = bytes([rng.choice([3, 11, 4, 5, 12, 0, 8])]) + pl[1:]
            if rng.random() < 0.1:
                pl = pl[:8 + rng.randrange(20)]      # truncated quote
        pkt = ipv4(proto, pl, frag, ihl)
        if rng.random() < 0.03:
            pkt = pkt[:rng.randrange(20)]            # truncated IP header
        return dmac + smac + b'\x08\x00' + pkt, 0x0800
    if kind < 0.85:                                  # IPv6
        nh = rng.choice(PROTOS)
        pl = l4(nh)
        if nh == 58 and rng.random() < 0.6:
            pl = bytes([rng.choice([1, 2, 3, 4, 128, 129])]) + pl[1:8] + \
                ipv6(rng.choice([6, 17, 58]), l4(17)[:rng.choice([0, 4, 8])])
            if rng.random() < 0.1:
                pl = pl[:8 + rng.randrange(40)]
        pkt = ipv6(nh, pl)
        if rng.random() < 0.03:
            pkt = pkt[:rng.randrange(40)]
        return dmac + smac + b'\x86\xdd' + pkt, 0x86dd
    et = rng.choice([0x0806, 0x88cc, 0x8100, 0x88b5, 0x0842])   # non-IP
    return dmac + smac + struct.pack('!H', et) + bytes(rng.randrange(256) for _ in range(46)), et

# ------------------------------------------------------------ run
def counters():
    out = []
    for k in range(N):
        with open(f'/sys/class/net/s{k}/statistics/tx_packets') as fh:
            out.append(int(fh.read()))
    return out

sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
bad = 0
ok = 0
for i in range(COUNT):
    frame, et = gen()
    want = bond_hash(frame, et, POLICY) % N
    before = counters()
    sock.sendto(frame, ('bond0', et))
    for _ in range(50):
        after = counters()
        if after != before:
            break
        time.sleep(0.001)
    delta = [a - b for a, b in zip(after, before)]
    got = [k for k in range(N) if delta[k]]
    if got == [want] and delta[want] == 1:
        ok += 1
    elif sum(delta) > 1 and delta[want] >= 1:
        ok += 1   # background packet at the same time; accept, count as ok
    else:
        bad += 1
        if bad <= 10:
            print(f'MISMATCH want s{want} delta {delta} ethertype {et:#06x} frame {frame.hex()}')
print(f'{POLICY} n={N}: {ok} ok, {bad} mismatches out of {COUNT}')
sys.exit(1 if bad else 0)
