"""RFC 4285 interoperability between scapy and mip6kit's auth-option-4285 provider.

Written out and run by ScapyInteropTest (tag large) with /usr/bin/python3 and python3-scapy.

  build SEED NOW_NTP OUT   scapy builds Binding Updates signed here (hmac module) with fresh
                           random NAIs, SPIs and keys; writes OUT/cases.tsv for mip6kit.
  check OUT HA_NTP         verifies the Binding Acknowledgements mip6kit signed (OUT/bas.tsv):
                           scapy dissects them, the HMAC is recomputed here independently.

The authenticator (RFC 4285 section 5.1) is First96(HMAC_SHA1(key, CoA | HoA | MH data)), MH
data being the Mobility Header up to and including the SPI with the checksum set to 0. An IPv4
care-of address (RFC 5555) enters the HMAC as an IPv4-mapped IPv6 address.
"""
import hashlib
import hmac
import ipaddress
import random
import string
import sys

from scapy.all import raw
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU,
                                MIP6OptMNID, MIP6OptMsgAuth, MIP6OptReplayProtection, MIP6OptUnknown)

HA = "2001:db8:1::1"


def mobility_header_offset(packet):
    """Offset of the Mobility Header in a raw IPv6 packet (walks Destination Options / Routing headers)."""
    nh, at = packet[6], 40
    while nh in (60, 43):
        nh, at = packet[at], at + (packet[at + 1] + 1) * 8
    if nh != 135:
        raise ValueError("no Mobility Header")
    return at


def auth_option_offset(mh):
    """Offset of the (last) Mobility Message Authentication option, walking the options by hand."""
    i, found = 12, -1  # BU and BA: the options start after 12 octets
    while i < len(mh):
        if mh[i] == 0:
            i += 1
            continue
        if mh[i] == 9:
            found = i
        i += 2 + mh[i + 1]
    return found


def authenticator(key, coa, hoa, mh):
    at = auth_option_offset(mh)
    data = bytearray(mh[:at + 7])
    data[4:6] = b"\x00\x00"
    mac_input = ipaddress.IPv6Address(coa).packed + ipaddress.IPv6Address(hoa).packed + bytes(data)
    return hmac.new(key, mac_input, hashlib.sha1).digest()[:12]


def binding_update(case, authdata):
    options = []
    if case["v4coa"]:
        options.append(MIP6OptUnknown(otype=32, odata=b"\x00\x00" + ipaddress.IPv4Address(case["v4coa"]).packed))
    options += [MIP6OptMNID(id=case["nai"].encode()),
                MIP6OptReplayProtection(timestamp=case["ts"]),
                MIP6OptMsgAuth(subtype=1, mspi=case["sign_spi"], authdata=authdata)]
    bu = MIP6MH_BU(seq=case["seq"], flags="HA", reserved=0x100 if case["v4coa"] else 0, mhtime=case["lifetime"],
                   options=options)
    if case["v4coa"]:
        # RFC 5555: from the home address, no Home Address option, care-of in the IPv4 CoA option.
        return IPv6(src=case["hoa"], dst=HA) / bu
    return IPv6(src=case["coa"], dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=case["hoa"])]) / bu


def build(seed, now_ntp, out):
    rng = random.Random(seed)
    cases, spis = [], set()

    def fresh_spi():
        while True:
            s = rng.randint(256, 2 ** 32 - 1)
            if s not in spis:
                spis.add(s)
                return s

    def case(name, expect, v4=False, stale=False, wrong_key=False, unknown_spi=False):
        user = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(rng.randint(1, 40)))
        nai = user + "@" + rng.choice(["example.com", "example.net", "mip6.example.org"])
        spi = fresh_spi()
        key = rng.randbytes(rng.choice([16, 20, 32, 64]))
        hoa = str(ipaddress.IPv6Address("2001:db8:1::") + rng.randint(2, 2 ** 32))
        coa = str(ipaddress.IPv6Address("2001:db8:2::") + rng.randint(1, 2 ** 64))
        v4coa = "192.0.2.%d" % rng.randint(1, 254) if v4 else None
        jitter = rng.randint(-(2 << 32), 2 << 32)
        c = dict(name=name, expect=expect, nai=nai, spi=spi, key=key, hoa=hoa, coa=coa, v4coa=v4coa,
                 seq=rng.randint(0, 65535), lifetime=rng.randint(1, 65535),
                 ts=(now_ntp + jitter - (60 << 32 if stale else 0)) & (2 ** 64 - 1),
                 sign_spi=fresh_spi() if unknown_spi else spi,
                 sign_key=rng.randbytes(20) if wrong_key else key)
        c["mac_coa"] = "::ffff:" + v4coa if v4 else coa
        placeholder = raw(binding_update(c, b"\x00" * 12))
        mh = placeholder[mobility_header_offset(placeholder):]
        c["packet"] = raw(binding_update(c, authenticator(c["sign_key"], c["mac_coa"], hoa, mh)))
        cases.append(c)

    for i in range(12):
        case("ipv6-coa-%d" % i, "accept")
    for i in range(3):
        case("ipv4-coa-%d" % i, "accept", v4=True)
    case("wrong-key", "146", wrong_key=True)
    case("stale-timestamp", "144", stale=True)
    case("unknown-spi", "drop", unknown_spi=True)
    with open(out + "/cases.tsv", "w") as f:
        for c in cases:
            f.write("\t".join([c["name"], c["expect"], c["nai"], str(c["spi"]), c["key"].hex(), c["hoa"],
                               c["mac_coa"], c["packet"].hex(), "%016x" % c["ts"], str(c["seq"])]) + "\n")
    print("built %d Binding Updates with scapy, seed=%d" % (len(cases), seed))


def check(out, ha_ntp):
    failures, count = 0, 0
    for line in open(out + "/bas.tsv"):
        name, status, key, coa, hoa, packet, replay, seq, spi = line.rstrip("\n").split("\t")
        count += 1
        raw_packet = bytes.fromhex(packet)
        pkt = IPv6(raw_packet)
        problems = []
        if MIP6MH_BA not in pkt:
            problems.append("scapy does not see a Binding Acknowledgement")
        else:
            ba = pkt[MIP6MH_BA]
            if ba.status != int(status):
                problems.append("status %d, expected %s" % (ba.status, status))
            if ba.seq != int(seq):
                problems.append("seq %d, expected %s" % (ba.seq, seq))
            if IPv6ExtHdrRouting in pkt and pkt[IPv6ExtHdrRouting].addresses != [hoa]:
                problems.append("routing header %s" % pkt[IPv6ExtHdrRouting].addresses)
            auths = [o for o in ba.options if isinstance(o, MIP6OptMsgAuth)]
            stamps = [o for o in ba.options if isinstance(o, MIP6OptReplayProtection)]
            if len(auths) != 1 or ba.options[-1] is not auths[0] or auths[0].subtype != 1:
                problems.append("not one MN-HA authentication option as the last option")
            elif auths[0].mspi != int(spi):
                problems.append("SPI %d, expected %s" % (auths[0].mspi, spi))
            else:
                mh = raw_packet[mobility_header_offset(raw_packet):]
                expected = authenticator(bytes.fromhex(key), coa, hoa, mh)
                if not hmac.compare_digest(expected, bytes(auths[0].authdata)):
                    problems.append("authenticator %s, independent HMAC %s" % (bytes(auths[0].authdata).hex(),
                                                                               expected.hex()))
            if replay.startswith("ha-time:"):
                # 144: the HA's time in the high-order 32 bits, the BU's low-order 32 bits copied
                # (RFC 4285 section 6 with RFC 3344 section 5.7.1)
                want = (ha_ntp & 0xFFFFFFFF00000000) | (int(replay[len("ha-time:"):], 16) & 0xFFFFFFFF)
            else:
                want = None if replay == "none" else int(replay, 16)
            got = stamps[0].timestamp if stamps else None
            if got != want:
                problems.append("replay option %s, expected %s" % (got, want))
        if problems:
            failures += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
        else:
            print("OK %s" % name)
    print("checked %d Binding Acknowledgements, %d failed" % (count, failures))
    return 0 if count > 0 and failures == 0 else 1


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], int(sys.argv[3])))
    else:
        sys.exit("usage: build SEED NOW_NTP OUT | check OUT HA_NTP")
