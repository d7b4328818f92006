#!/usr/bin/python3
"""Builds random Mobility Header packets with scapy's own MIPv6 classes for ScapyInteropTest.

Usage: scapy_mobility_messages.py SEED COUNT

Prints one JSON object per line on stdout:

* {"kind": "message", ...}: an IPv6 packet (sometimes inside IPv4/UDP 4191, RFC 5555) that
  carries one Mobility Header built by scapy, scapy's own checksum and pseudo-header
  addresses, and every field value as scapy reads it back after a round trip through bytes
  (IPv6(raw(p))), not as it was asked to build it.
* {"kind": "negative", ...}: docs/protocol-notes.md#test-vectors (the negative case): TV4 built with scapy's
  default MIP6OptNonceIndices / MIP6OptBindingAuthData lengths (16 instead of 4 and 12).

Only documentation addresses are used: 2001:db8::/32, 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, and example.com/net/org realms.
"""

import json
import random
import sys
import warnings

warnings.filterwarnings("ignore")

from scapy.all import IP, UDP, raw  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    HAO,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrRouting,
    MIP6MH_BA,
    MIP6MH_BE,
    MIP6MH_BRR,
    MIP6MH_BU,
    MIP6MH_CoT,
    MIP6MH_CoTI,
    MIP6MH_HoT,
    MIP6MH_HoTI,
    MIP6OptAltCoA,
    MIP6OptBindingAuthData,
    MIP6OptBRAdvice,
    MIP6OptMNID,
    MIP6OptMobNetPrefix,
    MIP6OptMsgAuth,
    MIP6OptNonceIndices,
    MIP6OptReplayProtection,
    MIP6OptUnknown,
    Pad1,
    PadN,
    in6_pseudoheader,
)

MH_CLASSES = (MIP6MH_BRR, MIP6MH_HoTI, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_CoT, MIP6MH_BU, MIP6MH_BA, MIP6MH_BE)
DSMIPV6_PORT = 4191
RFC5555_TYPES = (29, 30, 31, 32)
# Option types neither scapy 2.5 (0-16) nor mip6kit's standard registry (2-6, 8, 29-32) knows.
TRULY_UNKNOWN_TYPES = list(range(17, 29)) + list(range(33, 256))
IPV4_DOC_NETS = ((192, 0, 2), (198, 51, 100), (203, 0, 113))
REALMS = ("example.com", "example.net", "example.org", "ha.example.com")


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # ------------------------------------------------------------------ values

    def bits(self, n):
        return self.r.getrandbits(n)

    def sometimes(self, p):
        return self.r.random() < p

    def data(self, lo, hi):
        return bytes(self.r.getrandbits(8) for _ in range(self.r.randint(lo, hi)))

    def v6(self):
        # 2001:db8::/32 followed by 96 random bits
        return "2001:db8:%x:%x:%x:%x:%x:%x" % tuple(self.bits(16) for _ in range(6))

    def v4(self):
        a, b, c = self.r.choice(IPV4_DOC_NETS)
        return "%d.%d.%d.%d" % (a, b, c, self.r.randint(1, 254))

    def nai(self):
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._-"
        user = "".join(self.r.choice(alphabet) for _ in range(self.r.randint(1, 24)))
        return "%s@%s" % (user, self.r.choice(REALMS))

    def edge16(self):
        return self.r.choice((0, 1, 0x7FFF, 0x8000, 0xFFFF, self.bits(16), self.bits(16), self.bits(16)))

    def u8_status(self):
        # accepted codes, the registered rejections, RFC 4285/4866 codes and unknown codes
        return self.r.choice((0, 1, self.r.randint(2, 127), self.r.randint(128, 180), self.r.randint(143, 148),
                              self.r.randint(181, 255), 255))

    # ------------------------------------------------------------------ options

    def opt_unknown(self):
        return MIP6OptUnknown(otype=self.r.choice(TRULY_UNKNOWN_TYPES), odata=self.data(0, 20))

    def opt_ipv4_home_address(self):
        # RFC 5555 3.1.1: Prefix-len (6 bits) | P (1) | Reserved (9); IPv4 home address
        plen = self.r.randint(0, 32)
        p = self.bits(1)
        reserved = self.bits(9) if self.sometimes(0.2) else 0
        addr = "0.0.0.0" if self.sometimes(0.3) else self.v4()
        word = (plen << 10) | (p << 9) | reserved
        return MIP6OptUnknown(otype=29, odata=word.to_bytes(2, "big") + _v4bytes(addr))

    def opt_ipv4_address_ack(self):
        # RFC 5555 3.2.1: Status (8) | Pref-len (6) | Reserved (2); IPv4 home address
        status = self.u8_status()
        plen = self.r.randint(0, 32)
        reserved = self.bits(2) if self.sometimes(0.2) else 0
        return MIP6OptUnknown(otype=30, odata=bytes((status, (plen << 2) | reserved)) + _v4bytes(self.v4()))

    def opt_nat_detection(self):
        # RFC 5555 3.2.2: F (1) | Reserved (15); Refresh time (32)
        f = self.bits(1)
        reserved = self.bits(15) if self.sometimes(0.2) else 0
        refresh = self.r.choice((0, 110, 0xFFFFFFFF, self.bits(32)))
        return MIP6OptUnknown(otype=31, odata=((f << 15) | reserved).to_bytes(2, "big") + refresh.to_bytes(4, "big"))

    def opt_ipv4_care_of_address(self):
        # RFC 5555 3.1.2: Reserved (16); IPv4 care-of address
        reserved = self.bits(16) if self.sometimes(0.2) else 0
        return MIP6OptUnknown(otype=32, odata=reserved.to_bytes(2, "big") + _v4bytes(self.v4()))

    def opt_mnid(self):
        if self.sometimes(0.75):
            return MIP6OptMNID(subtype=1, id=self.nai().encode("ascii"))
        return MIP6OptMNID(subtype=self.r.randint(2, 255), id=self.data(1, 24))

    def opt_mnp(self):
        return MIP6OptMobNetPrefix(reserved=self.bits(8) if self.sometimes(0.2) else 0,
                                   plen=self.r.randint(0, 128), prefix=self.v6())

    def opt_bad(self):
        # olen=12: scapy's default of 16 is wrong (docs/protocol-notes.md#scapy-quirks)
        return MIP6OptBindingAuthData(olen=12, authenticator=self.bits(96))

    def opt_ni(self):
        # olen=4: scapy's default of 16 is wrong (docs/protocol-notes.md#scapy-quirks)
        return MIP6OptNonceIndices(olen=4, hni=self.bits(16), coni=self.bits(16))

    def opt_rfc4285_auth(self):
        return MIP6OptMsgAuth(subtype=self.r.choice((1, 2)), mspi=self.bits(32), authdata=self.data(12, 12))

    def opt_rfc4285_replay(self):
        return MIP6OptReplayProtection(timestamp=self.bits(64))

    def options_for(self, mhtype):
        r = self.r
        opts = []
        if mhtype == 5:  # BU
            pool = [lambda: MIP6OptAltCoA(acoa=self.v6()), self.opt_mnid, self.opt_mnp, self.opt_mnp,
                    self.opt_ipv4_home_address, self.opt_ipv4_care_of_address, self.opt_unknown,
                    self.opt_rfc4285_replay]
            for _ in range(r.randint(0, 4)):
                opts.append(r.choice(pool)())
            if self.sometimes(0.3):
                opts.append(self.opt_ni())
            if self.sometimes(0.25):
                opts.append(self.opt_bad())  # must be last (RFC 6275 6.2.7)
            elif self.sometimes(0.2):
                opts.append(self.opt_rfc4285_auth())
        elif mhtype == 6:  # BA
            pool = [lambda: MIP6OptBRAdvice(rinter=self.bits(16)), self.opt_mnp, self.opt_mnid,
                    self.opt_ipv4_address_ack, self.opt_nat_detection, self.opt_unknown, self.opt_rfc4285_replay]
            for _ in range(r.randint(0, 4)):
                opts.append(r.choice(pool)())
            if self.sometimes(0.2):
                opts.append(self.opt_bad())
        else:
            pool = [self.opt_unknown, self.opt_mnid, lambda: MIP6OptAltCoA(acoa=self.v6()), self.opt_ni]
            if self.sometimes(0.35):
                for _ in range(r.randint(1, 3)):
                    opts.append(r.choice(pool)())
        return opts

    # ------------------------------------------------------------------ messages

    def message(self, mhtype):
        opts = self.options_for(mhtype)
        hand_padded = any(isinstance(o, MIP6OptUnknown) and o.otype in RFC5555_TYPES for o in opts)
        res = self.bits(8) if self.sometimes(0.15) else 0  # reserved octet 3: receivers ignore it
        common = {"res": res}
        if hand_padded:
            # scapy has no classes for RFC 5555 options: MIP6OptUnknown has no alignment, so pad by
            # hand to 4n for them and switch autopad off, as TV6 does (docs/protocol-notes.md#scapy-quirks)
            opts = hand_pad(opts, FIXED_END[mhtype])
            common["autopad"] = 0
        if mhtype == 0:
            return MIP6MH_BRR(res2=self.bits(16) if self.sometimes(0.2) else 0, options=opts, **common)
        if mhtype in (1, 2):
            cls = MIP6MH_HoTI if mhtype == 1 else MIP6MH_CoTI
            reserved = self.data(2, 2) if self.sometimes(0.2) else b"\x00\x00"
            return cls(reserved=reserved, cookie=self.data(8, 8), options=opts, **common)
        if mhtype in (3, 4):
            cls = MIP6MH_HoT if mhtype == 3 else MIP6MH_CoT
            return cls(index=self.edge16(), cookie=self.data(8, 8), token=self.data(8, 8), options=opts, **common)
        if mhtype == 5:
            # scapy's 7-bit flags field is "PRMKLHA" (LSB first: A = 0x40 -> 0x8000 on the wire);
            # F, T, B, S, D and 4 reserved bits sit in the 9-bit "reserved" field (F = 0x100)
            reserved = self.r.choice((0, 0x100, self.bits(9), self.bits(9) & 0x1F0))
            return MIP6MH_BU(seq=self.edge16(), flags=self.bits(7), reserved=reserved, mhtime=self.edge16(),
                             options=opts, **common)
        if mhtype == 6:
            # 3-bit flags "PRK" (K = 0x80); T, B, S, D and one reserved bit are the 5-bit res2
            return MIP6MH_BA(status=self.u8_status(), flags=self.bits(3), res2=self.bits(5),
                             seq=self.edge16(), mhtime=self.edge16(), options=opts, **common)
        ha = "::" if self.sometimes(0.2) else self.v6()
        # MIP6MH_BE has no autopad field; its options field still pads (the getattr fallback)
        return MIP6MH_BE(res=res, status=self.r.choice((1, 2, self.r.randint(0, 255))),
                         reserved=self.bits(8) if self.sometimes(0.2) else 0, ha=ha, options=opts)

    def packet(self, mhtype):
        mh = self.message(mhtype)
        hao = rh2 = None
        udp = None
        if mhtype == 5 and self.sometimes(0.85):
            coa, ha, hoa = self.v6(), self.v6(), self.v6()
            hao = hoa
            ip6 = IPv6(src=coa, dst=ha) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / mh
        elif mhtype == 6 and self.sometimes(0.85):
            ha, coa, hoa = self.v6(), self.v6(), self.v6()
            rh2 = hoa
            ip6 = IPv6(src=ha, dst=coa) / IPv6ExtHdrRouting(type=2, addresses=[hoa]) / mh
        else:
            ip6 = IPv6(src=self.v6(), dst=self.v6()) / mh
        if mhtype in (5, 6) and self.sometimes(0.15):
            # RFC 5555: IPv4 CoA, the inner IPv6 peer is the IPv4-mapped CoA
            v4coa, v4ha = self.v4(), self.v4()
            port = self.r.randint(49152, 65535)
            if mhtype == 5:
                ip6.src = "::ffff:" + v4coa
                p = IP(src=v4coa, dst=v4ha) / UDP(sport=port, dport=DSMIPV6_PORT) / ip6
                udp = {"src": v4coa, "dst": v4ha, "sport": port, "dport": DSMIPV6_PORT}
            else:
                ip6.dst = "::ffff:" + v4coa
                p = IP(src=v4ha, dst=v4coa) / UDP(sport=DSMIPV6_PORT, dport=port) / ip6
                udp = {"src": v4ha, "dst": v4coa, "sport": DSMIPV6_PORT, "dport": port}
        else:
            p = ip6
        return p, hao, rh2, udp


FIXED_END = {0: 8, 1: 16, 2: 16, 3: 24, 4: 24, 5: 12, 6: 12, 7: 24}


def _v4bytes(text):
    return bytes(int(x) for x in text.split("."))


def _alignment(opt):
    if isinstance(opt, MIP6OptUnknown) and opt.otype in RFC5555_TYPES:
        return 4, 0
    return opt.x, opt.y


def hand_pad(opts, start):
    """Pad1/PadN before each option to meet its xn+y alignment, then to 8n (RFC 6275 6.2)."""
    out = []
    pos = start
    for o in opts:
        x, y = _alignment(o)
        delta = 0 if x == 0 else (y - pos) % x
        out.extend(padding(delta))
        pos += delta
        out.append(o)
        pos += len(raw(o))
    out.extend(padding((-pos) % 8))
    return out


def padding(n):
    if n == 0:
        return []
    if n == 1:
        return [Pad1()]
    return [PadN(optdata=b"\x00" * (n - 2))]


# ---------------------------------------------------------------------- read back


def mobility_layer(pkt):
    for cls in MH_CLASSES:
        if pkt.haslayer(cls):
            return pkt.getlayer(cls)
    raise ValueError("no Mobility Header in " + pkt.summary())


def describe_option(o):
    body = raw(o)
    d = {"type": body[0], "scapy_class": type(o).__name__, "data": body[2:].hex()}
    if isinstance(o, MIP6OptBRAdvice):
        d["rinter"] = o.rinter
    elif isinstance(o, MIP6OptAltCoA):
        d["acoa"] = o.acoa
    elif isinstance(o, MIP6OptNonceIndices):
        d.update(olen=o.olen, hni=o.hni, coni=o.coni)
    elif isinstance(o, MIP6OptBindingAuthData):
        d.update(olen=o.olen, authenticator="%024x" % o.authenticator)
    elif isinstance(o, MIP6OptMobNetPrefix):
        d.update(plen=o.plen, prefix=o.prefix)
    elif isinstance(o, MIP6OptMNID):
        d.update(subtype=o.subtype, id=bytes(o.id).hex())
    elif isinstance(o, MIP6OptUnknown):
        data = bytes(o.odata)
        d["data"] = data.hex()
        # scapy only knows these as opaque bytes; read the RFC 5555 fields from them here
        if o.otype == 29 and len(data) == 6:
            word = int.from_bytes(data[0:2], "big")
            d["rfc5555"] = {"plen": word >> 10, "p": (word >> 9) & 1, "addr": _v4text(data[2:6])}
        elif o.otype == 30 and len(data) == 6:
            d["rfc5555"] = {"status": data[0], "plen": data[1] >> 2, "addr": _v4text(data[2:6])}
        elif o.otype == 31 and len(data) == 6:
            d["rfc5555"] = {"f": data[0] >> 7, "refresh": int.from_bytes(data[2:6], "big")}
        elif o.otype == 32 and len(data) == 6:
            d["rfc5555"] = {"addr": _v4text(data[2:6])}
    return d


def _v4text(b):
    return ".".join(str(x) for x in b)


def describe_message(m):
    t = m.mhtype
    d = {"mhtype": t, "nh": m.nh, "len": m.len, "cksum": m.cksum, "res": m.res}
    if t in (1, 2):
        d["cookie"] = bytes(m.cookie).hex()
    elif t in (3, 4):
        d.update(index=m.index, cookie=bytes(m.cookie).hex(), token=bytes(m.token).hex())
    elif t == 5:
        field = m.get_field("flags")
        bits = int(m.flags)
        d.update(seq=m.seq, mhtime=m.mhtime, flags=bits, reserved=m.reserved,
                 letters=[field.names[i] for i in range(field.size) if bits >> i & 1],
                 wire_flags=(bits << 9) | m.reserved)
    elif t == 6:
        field = m.get_field("flags")
        bits = int(m.flags)
        d.update(status=m.status, seq=m.seq, mhtime=m.mhtime, flags=bits, res2=m.res2,
                 letters=[field.names[i] for i in range(field.size) if bits >> i & 1],
                 wire_flags=(bits << 5) | m.res2)
    elif t == 7:
        d.update(status=m.status, ha=m.ha)
    d["options"] = [describe_option(o) for o in m.options if not isinstance(o, (Pad1, PadN))]
    return d


def record(kind, index, p, hao, rh2, udp):
    built = mobility_layer(p)
    wire = raw(p)
    mh_wire = raw(built)
    # the addresses scapy's own in6_chksum used when it built the checksum
    ph = in6_pseudoheader(135, built, len(mh_wire))
    if udp is None:
        back = IPv6(wire)
    else:
        outer = IP(wire)
        back = IPv6(bytes(outer[UDP].payload))
    m = mobility_layer(back)
    # the Mobility Header is the last header: its octets are the tail of the packet
    mh_octets = wire[len(wire) - len(mh_wire):]
    if mh_octets != mh_wire:
        raise AssertionError("scapy built the Mobility Header twice differently: %s" % p.summary())
    return {
        "kind": kind,
        "index": index,
        "packet": wire.hex(),
        "mh": mh_octets.hex(),
        "pseudo_src": ph.src,
        "pseudo_dst": ph.dst,
        "hao": hao,
        "rh2": rh2,
        "udp": udp,
        "summary": back.summary(),
        "expect": describe_message(m),
    }


def negative_tv4_default_lengths():
    coa, cn, hoa = "2001:db8:2::100", "2001:db8:3::1", "2001:db8:1::100"
    mh = MIP6MH_BU(seq=5, flags="A", mhtime=105,
                   options=[MIP6OptNonceIndices(hni=3, coni=4),
                            MIP6OptBindingAuthData()])
    p = IPv6(src=coa, dst=cn) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / mh
    return record("negative", 0, p, hoa, None, None)


def main():
    seed = int(sys.argv[1])
    count = int(sys.argv[2])
    g = Generator(seed)
    # every type at least count/16 times, BU and BA more often
    types = [t for t in range(8) for _ in range(max(1, count // 16))]
    while len(types) < count:
        types.append(g.r.choice((5, 5, 5, 6, 6, 6, 0, 1, 2, 3, 4, 7)))
    g.r.shuffle(types)
    out = sys.stdout
    for i, t in enumerate(types):
        p, hao, rh2, udp = g.packet(t)
        out.write(json.dumps(record("message", i, p, hao, rh2, udp)) + "\n")
    out.write(json.dumps(negative_tv4_default_lengths()) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
