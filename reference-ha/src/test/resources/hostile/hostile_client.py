#!/usr/bin/python3
"""A hostile client for HostileClientTest: scapy-built Mobility Header messages aimed at a
running mip6kit home agent over its RFC 5555 UDP port on loopback.

Usage: hostile_client.py CONFIG.json

CONFIG (written by the test, mode 600 because it holds keys):
  {"homeAgent": "2001:db8:1::1", "endpointHost": "::1", "endpointPort": 40000,
   "seed": 123, "silenceSeconds": 2.0, "lingerSeconds": 0.3,
   "legitimate": {"nai": ..., "spi": ..., "keyHex": ..., "homeAddress": ...},
   "scriptNode": {"nai": ..., "spi": ..., "keyHex": ..., "homeAddress": ...}}

The legitimate node's key is used ONLY to check the authenticator of answers the home agent
sends under that node's SPI (an attacker could not do that; the test wants to know the answer
is authentic). Every Binding Update the script signs is signed with the script node's key or
with a random wrong key.

Protocol: one JSON command per line on stdin, one JSON result per line on stdout.
  {"case": NAME, "legitimateSequence": N}  ->  {"case": NAME, "sent": {...}, "replies": [...],
                                                "strays": [...]}
  Two cases send many datagrams and add to the result: "many-home-addresses" ({"count": N}:
  "claims", "deregistrations", "tally") and "keyless-flood-stale-node" ({"floodDatagrams": N,
  "rounds": R}: "flood", "tally" of answers not for the script node, "totalSeconds").
  {"case": "quit"}                          ->  exits 0
Diagnostics go to stderr.

Packets are built with scapy's own classes (IPv6, IPv6ExtHdrDestOpt + HAO, MIP6MH_BU,
MIP6OptMNID, MIP6OptReplayProtection, MIP6OptMsgAuth, MIP6MH_Generic) and sent as the payload
of a UDP datagram from an ordinary socket, which is what an RFC 5555 peer does; no raw
sockets. Replies are dissected with scapy; offsets for the authenticator input are found by
walking the octets, so the check does not depend on scapy re-encoding anything.

The MN-HA authenticator (RFC 4285 section 5.1, as docs/providers/auth-option-4285.md reads it):
  first 96 bits of HMAC-SHA1(key, care-of address | home address | MH Data), where MH Data
  runs from Payload Proto up to and including the 4-octet SPI, with the Checksum field 0.
"""

import hashlib
import hmac
import ipaddress
import json
import random
import select
import socket
import struct
import sys
import time

from scapy.compat import raw
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE,
                                MIP6MH_BU, MIP6MH_Generic, MIP6OptBindingAuthData, MIP6OptMNID,
                                MIP6OptMsgAuth, MIP6OptNonceIndices, MIP6OptReplayProtection,
                                MIP6OptUnknown)

NTP_UNIX_OFFSET = 2208988800
MH_PROTOCOL = 135
OPTION_AUTH = 9
OPTION_REPLAY = 10
AUTHENTICATOR_OCTETS = 12
LIFETIME_UNITS = 75  # 300 s


def log(*parts):
    print("hostile_client:", *parts, file=sys.stderr, flush=True)


def ntp_now(offset_seconds=0.0):
    """The 64-bit NTP timestamp of now + offset (seconds since 1900, 32-bit binary fraction)."""
    ns = time.time_ns() + int(offset_seconds * 1e9)
    seconds, rest = divmod(ns, 1_000_000_000)
    return ((seconds + NTP_UNIX_OFFSET) & 0xFFFFFFFF) << 32 | (rest << 32) // 1_000_000_000


def addr_bytes(text):
    return ipaddress.IPv6Address(text).packed


def find_mobility_header(packet):
    """Offset of the Mobility Header in an IPv6 packet (walking hop-by-hop, routing and
    destination options headers), or None."""
    if len(packet) < 40 or packet[0] >> 4 != 6:
        return None
    nh = packet[6]
    off = 40
    while nh in (0, 43, 60):
        if off + 2 > len(packet):
            return None
        nxt = packet[off]
        off += (packet[off + 1] + 1) * 8
        nh = nxt
    return off if nh == MH_PROTOCOL and off <= len(packet) else None


def option_offsets(mh, start):
    """(type, offset) of every option after the fixed part; stops at an option that runs past
    the end (there is nothing sane to report about the rest)."""
    found = []
    i = start
    while i < len(mh):
        t = mh[i]
        if t == 0:
            i += 1
            continue
        if i + 1 >= len(mh) or i + 2 + mh[i + 1] > len(mh):
            break
        found.append((t, i))
        i += 2 + mh[i + 1]
    return found


def mh_fixed_start(mh_type):
    return {5: 12, 6: 12, 7: 24}.get(mh_type, 8)


def authenticator(key, care_of, home_address, mh, auth_at):
    data = bytearray(mh[:auth_at + 7])  # type, length, subtype, SPI
    data[4:6] = b"\x00\x00"
    return hmac.new(key, addr_bytes(care_of) + addr_bytes(home_address) + bytes(data),
                    hashlib.sha1).digest()[:AUTHENTICATOR_OCTETS]


def checksum_valid(mh, source, destination):
    """RFC 6275 6.1.1: the pseudo-header holds the home address where HAO or RH2 was present."""
    pseudo = addr_bytes(source) + addr_bytes(destination) + struct.pack("!I", len(mh)) + b"\x00\x00\x00" \
        + bytes([MH_PROTOCOL])
    data = pseudo + bytes(mh) + (b"\x00" if len(mh) % 2 else b"")
    total = 0
    for k in range(0, len(data), 2):
        total += (data[k] << 8) | data[k + 1]
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


class Node:
    def __init__(self, spec):
        self.nai = spec["nai"]
        self.spi = int(spec["spi"])
        self.key = bytes.fromhex(spec["keyHex"])
        self.home_address = spec["homeAddress"]


class HostileClient:
    def __init__(self, config):
        self.config = config
        self.rng = random.Random(int(config["seed"]))
        self.home_agent = config["homeAgent"]
        self.endpoint = (config["endpointHost"], int(config["endpointPort"]))
        self.silence = float(config["silenceSeconds"])
        self.linger = float(config["lingerSeconds"])
        self.legitimate = Node(config["legitimate"])
        self.own = Node(config["scriptNode"])
        self.keys_by_spi = {self.legitimate.spi: self.legitimate.key, self.own.spi: self.own.key}
        self.own_sequence = self.rng.randrange(0, 0x10000)
        self.stored_copy = None
        family = socket.AF_INET6 if ":" in self.endpoint[0] else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((self.endpoint[0], 0))
        self.last_timestamp = 0
        log("seed", config["seed"], "socket", self.sock.getsockname()[:2], "-> home agent", self.endpoint)

    # ------------------------------------------------------------------ building

    def attacker_care_of(self):
        return "2001:db8:66::%x" % self.rng.randrange(1, 0xFFFF)

    def fresh_timestamp(self):
        ts = ntp_now()
        if ts <= self.last_timestamp:
            ts = self.last_timestamp + 1
        self.last_timestamp = ts
        return ts

    def binding_update(self, care_of, home_address, sequence, options, flags="HA", lifetime=LIFETIME_UNITS,
                       source=None):
        return (IPv6(src=care_of if source is None else source, dst=self.home_agent)
                / IPv6ExtHdrDestOpt(options=[HAO(hoa=home_address)])
                / MIP6MH_BU(seq=sequence, flags=flags, mhtime=lifetime, options=options))

    def signed(self, packet, key, care_of, home_address, auth_length=None):
        """Fills the MN-HA authenticator (computed over the octets with checksum 0) and lets
        scapy compute the checksum over the final octets. auth_length, if given, overrides the
        authentication option's length octet before signing (the truncation case)."""
        bu = packet[MIP6MH_BU]
        auth = packet[MIP6OptMsgAuth]
        auth.authdata = b"\x00" * AUTHENTICATOR_OCTETS
        if auth_length is not None:
            auth.olen = auth_length
        bu.cksum = 0
        octets = raw(packet)
        at = find_mobility_header(octets)
        mh = octets[at:]
        auths = [off for t, off in option_offsets(mh, 12) if t == OPTION_AUTH]
        if auth_length is None:
            if len(auths) != 1:
                raise RuntimeError("expected one authentication option, found %d" % len(auths))
            auth_at = auths[0]
        else:
            # The declared length runs past the message, so the walker stops before it; find it
            # by its place: scapy put it last, 19 octets (2 + subtype + SPI + 12) plus padding.
            auth_at = mh.rfind(bytes([OPTION_AUTH, auth_length, 1]) + struct.pack("!I", auth.mspi))
            if auth_at < 0:
                raise RuntimeError("the authentication option was not found")
        auth.authdata = authenticator(key, care_of, home_address, mh, auth_at)
        bu.cksum = None
        return raw(packet)

    def valid_update(self, node, care_of, home_address, sequence, timestamp, with_mnid=True,
                     auth_length=None, key=None, spi=None, nai=None, extra=(), flags="HA",
                     lifetime=LIFETIME_UNITS, source=None):
        """care_of is the effective care-of address the MAC covers; source, if given, is the
        IPv6 source (when an option, not the source, names the care-of address)."""
        options = list(extra)
        if with_mnid:
            options.append(MIP6OptMNID(subtype=1, id=(node.nai if nai is None else nai).encode()))
        if timestamp is not None:
            options.append(MIP6OptReplayProtection(timestamp=timestamp))
        options.append(MIP6OptMsgAuth(subtype=1, mspi=node.spi if spi is None else spi,
                                      authdata=b"\x00" * AUTHENTICATOR_OCTETS))
        packet = self.binding_update(care_of, home_address, sequence, options, flags, lifetime, source)
        return self.signed(packet, node.key if key is None else key, care_of, home_address, auth_length)

    # ------------------------------------------------------------------ sending and receiving

    def drain(self):
        strays = []
        while True:
            ready, _, _ = select.select([self.sock], [], [], 0)
            if not ready:
                return strays
            data, peer = self.sock.recvfrom(65535)
            strays.append({"from": str(peer[0]) + ":" + str(peer[1]), "octets": data.hex()})

    def exchange(self, octets, sent_info):
        """Sends one datagram and collects every answer: the first within silenceSeconds, more
        within lingerSeconds of it."""
        self.sock.sendto(octets, self.endpoint)
        replies = []
        deadline = time.monotonic() + self.silence
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                break
            data, peer = self.sock.recvfrom(65535)
            reply = self.describe(data, sent_info)
            reply["from"] = "[%s]:%d" % (peer[0], peer[1]) if ":" in peer[0] else "%s:%d" % (peer[0], peer[1])
            reply["secondsAfterSend"] = round(self.silence - left, 3)
            replies.append(reply)
            deadline = min(deadline, time.monotonic() + self.linger)
        return replies

    def describe(self, data, sent):
        """What an answer holds, read with scapy, plus an independent checksum and HMAC check."""
        out = {"octets": data.hex()}
        try:
            pkt = IPv6(data)
        except Exception as e:  # noqa: BLE001 - reported, the test decides
            out["kind"] = "unparsable"
            out["error"] = repr(e)
            return out
        out["innerSource"] = pkt.src
        out["innerDestination"] = pkt.dst
        at = find_mobility_header(data)
        if at is None:
            out["kind"] = "not-mobility-header"
            return out
        mh = data[at:]
        pseudo_dst = pkt.dst
        if IPv6ExtHdrRouting in pkt:
            rh = pkt[IPv6ExtHdrRouting]
            out["routingHeader"] = {"type": rh.type, "segmentsLeft": rh.segleft,
                                    "addresses": [str(a) for a in rh.addresses]}
            if rh.segleft and rh.addresses:
                pseudo_dst = rh.addresses[-1]
        out["checksumValid"] = checksum_valid(mh, pkt.src, pseudo_dst)
        out["mhType"] = mh[2]
        if MIP6MH_BA in pkt:
            ba = pkt[MIP6MH_BA]
            out["kind"] = "BA"
            out["status"] = int(ba.status)
            out["sequence"] = int(ba.seq)
            out["lifetimeUnits"] = int(ba.mhtime)
            out["optionTypes"] = [t for t, _ in option_offsets(mh, 12)]
            if MIP6OptReplayProtection in ba:
                out["replayTimestamp"] = str(int(ba[MIP6OptReplayProtection].timestamp))
            if MIP6OptMsgAuth in ba:
                auth = ba[MIP6OptMsgAuth]
                spi = int(auth.mspi)
                info = {"subtype": int(auth.subtype), "spi": spi, "authenticator": bytes(auth.authdata).hex()}
                auth_at = [off for t, off in option_offsets(mh, 12) if t == OPTION_AUTH]
                key = self.keys_by_spi.get(spi)
                if key is not None and len(auth_at) == 1:
                    # The BA is authenticated over the same care-of and home address as the BU.
                    expected = authenticator(key, sent["careOf"], sent["homeAddress"], mh, auth_at[0])
                    info["valid"] = hmac.compare_digest(expected, bytes(auth.authdata))
                else:
                    info["valid"] = None
                out["auth"] = info
        elif MIP6MH_BE in pkt:
            be = pkt[MIP6MH_BE]
            out["kind"] = "BE"
            out["status"] = int(be.status)
            out["homeAddress"] = str(be.ha)
        else:
            out["kind"] = "MH type %d" % mh[2]
        return out

    # ------------------------------------------------------------------ the cases

    def run_case(self, name, command):
        legit_seq = int(command.get("legitimateSequence", 0))
        newer_than_legit = (legit_seq + 1) & 0xFFFF
        L, own = self.legitimate, self.own
        if name == "forged-authenticator":
            # The legitimate node's SPI and identity, a wrong key: a hijack of its binding.
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            wrong_key = bytes(self.rng.randrange(256) for _ in range(20))
            octets = self.valid_update(L, coa, L.home_address, newer_than_legit, ts, key=wrong_key)
            sent = {"careOf": coa, "homeAddress": L.home_address, "sequence": newer_than_legit,
                    "timestamp": str(ts), "spi": L.spi}
        elif name == "replay-original":
            self.own_sequence = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, self.own_sequence, ts)
            self.stored_copy = octets
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": self.own_sequence,
                    "timestamp": str(ts), "spi": own.spi}
            self.stored_sent = sent
        elif name == "replay-copy":
            if self.stored_copy is None:
                raise RuntimeError("replay-copy before replay-original")
            octets = self.stored_copy
            sent = dict(self.stored_sent)
        elif name == "stale-timestamp":
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), ntp_now(-3600.0)
            octets = self.valid_update(own, coa, own.home_address, seq, ts)
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "missing-mn-id":
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, seq, ts, with_mnid=False)
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "unknown-spi":
            spi = self.rng.randrange(256, 1 << 32)
            while spi in self.keys_by_spi:
                spi = self.rng.randrange(256, 1 << 32)
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            key = bytes(self.rng.randrange(256) for _ in range(20))
            octets = self.valid_update(L, coa, L.home_address, newer_than_legit, ts, key=key, spi=spi)
            sent = {"careOf": coa, "homeAddress": L.home_address, "sequence": newer_than_legit,
                    "timestamp": str(ts), "spi": spi}
        elif name == "truncated-option":
            # Authentic in every other respect (the script node's key, signed over these very
            # octets, valid checksum), but the authentication option's length runs past the end.
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, seq, ts, auth_length=255)
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi, "declaredAuthLength": 255}
        elif name == "foreign-home-address":
            # The script node's own valid association, claiming the legitimate node's home address.
            seq = newer_than_legit
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, L.home_address, seq, ts)
            sent = {"careOf": coa, "homeAddress": L.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "forged-and-stale":
            # Wrong key and an hour-old timestamp: authentication is judged first, so the answer
            # must be 146 with the timestamp echoed, never a 144 revealing the home agent's clock.
            coa, ts = self.attacker_care_of(), ntp_now(-3600.0)
            wrong_key = bytes(self.rng.randrange(256) for _ in range(20))
            octets = self.valid_update(L, coa, L.home_address, newer_than_legit, ts, key=wrong_key)
            sent = {"careOf": coa, "homeAddress": L.home_address, "sequence": newer_than_legit,
                    "timestamp": str(ts), "spi": L.spi}
        elif name == "impersonation-mn-id":
            # The script node's valid association, but the MN-ID (and home address) of the
            # legitimate node: the SPI does not belong to the NAI the message names.
            seq = newer_than_legit
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, L.home_address, seq, ts, nai=L.nai)
            sent = {"careOf": coa, "homeAddress": L.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "missing-replay-option":
            # Authentic (the script node's key, its MN-ID) but without a replay protection option.
            seq = (self.own_sequence + 1) & 0xFFFF
            coa = self.attacker_care_of()
            octets = self.valid_update(own, coa, own.home_address, seq, None)
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "spi": own.spi}
        elif name == "nonce-indices-home-registration":
            # Authentic home registration (H set) that carries a Nonce Indices option (length 4,
            # not scapy's default 16): RFC 6275 9.5.1 forbids it there, so silence.
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, seq, ts,
                                       extra=[MIP6OptNonceIndices(olen=4, hni=3, coni=4)])
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "registration-type-change":
            # Authentic, H clear, for the script node's home address, which has a home binding.
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, seq, ts, flags="A")
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name in ("correspondent-registration", "correspondent-registration-rr"):
            # Authentic, H clear, for a home address with no binding: a correspondent
            # registration, optionally with Nonce Indices and Binding Authorization Data.
            seq = self.rng.randrange(0, 0x10000)
            home = command["homeAddress"]
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            extra = []
            if name.endswith("-rr"):
                extra = [MIP6OptNonceIndices(olen=4, hni=3, coni=4),
                         MIP6OptBindingAuthData(olen=12, authenticator=self.rng.getrandbits(96))]
            octets = self.valid_update(own, coa, home, seq, ts, flags="A", extra=extra)
            sent = {"careOf": coa, "homeAddress": home, "sequence": seq, "timestamp": str(ts), "spi": own.spi}
        elif name == "deregister-from-home":
            # Authentic deregistration sent from the home address itself: source = HAO = home.
            seq = (self.own_sequence + 1) & 0xFFFF
            ts = self.fresh_timestamp()
            home = own.home_address
            octets = self.valid_update(own, home, home, seq, ts, lifetime=0)
            self.own_sequence = seq
            sent = {"careOf": home, "homeAddress": home, "sequence": seq, "timestamp": str(ts), "spi": own.spi}
        elif name == "register-lower-sequence":
            # After the deregistration: a home registration with a much lower sequence number.
            seq = (self.own_sequence - 1000) & 0xFFFF
            coa, ts = self.attacker_care_of(), self.fresh_timestamp()
            octets = self.valid_update(own, coa, own.home_address, seq, ts)
            self.own_sequence = seq
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi}
        elif name == "ipv4-loopback-care-of":
            # Authentic DSMIPv6-shaped BU (RFC 5555): inner source the IPv4-mapped care-of
            # address, IPv4 Care-of Address option (type 32: 2 reserved octets, the address)
            # naming 127.0.0.1.
            seq = (self.own_sequence + 1) & 0xFFFF
            coa, ts = "::ffff:127.0.0.1", self.fresh_timestamp()
            v4 = MIP6OptUnknown(otype=32, odata=b"\x00\x00" + bytes([127, 0, 0, 1]))
            octets = self.valid_update(own, coa, own.home_address, seq, ts, extra=[v4])
            sent = {"careOf": coa, "homeAddress": own.home_address, "sequence": seq, "timestamp": str(ts),
                    "spi": own.spi, "ipv4CareOf": "127.0.0.1"}
        elif name == "unknown-mh-type":
            coa = self.attacker_care_of()
            packet = (IPv6(src=coa, dst=self.home_agent)
                      / IPv6ExtHdrDestOpt(options=[HAO(hoa=L.home_address)])
                      / MIP6MH_Generic(mhtype=42, msg=bytes(self.rng.randrange(256) for _ in range(10))))
            octets = raw(packet)
            sent = {"careOf": coa, "homeAddress": L.home_address, "mhType": 42}
        elif name == "many-home-addresses":
            return self.many_home_addresses(name, int(command["count"]))
        elif name == "keyless-flood-stale-node":
            return self.keyless_flood(name, int(command["floodDatagrams"]), int(command["rounds"]),
                                      newer_than_legit)
        else:
            raise RuntimeError("unknown case " + name)
        self.describe_sent(octets, sent)
        strays = self.drain()
        replies = self.exchange(octets, sent)
        return {"case": name, "sent": sent, "replies": replies, "strays": strays}

    def describe_sent(self, octets, sent):
        at = find_mobility_header(octets)
        mh = octets[at:]
        sent["octets"] = octets.hex()
        sent["mhOctets"] = len(mh)
        sent["mhHeaderLenOctets"] = (mh[1] + 1) * 8
        sent["checksumValid"] = checksum_valid(mh, sent["homeAddress"], self.home_agent)
        sent["scapySummary"] = IPv6(octets).summary()
        return sent

    # ------------------------------------------------------------------ cases of many datagrams

    def own_update(self, home_address, sequence, lifetime=LIFETIME_UNITS):
        coa, ts = self.attacker_care_of(), self.fresh_timestamp()
        octets = self.valid_update(self.own, coa, home_address, sequence, ts, lifetime=lifetime)
        return octets, self.describe_sent(octets, {"careOf": coa, "homeAddress": home_address,
                                                   "sequence": sequence, "timestamp": str(ts),
                                                   "spi": self.own.spi})

    def await_answers(self, wanted, sent_by_home, tally, quiet):
        """Receives until `wanted` answers under the script node's SPI have come (each described
        against the BU for its home address), or `quiet` seconds pass without any datagram.
        Answers 146 (to forgeries) are only counted in tally, cheaply: the status octet."""
        answers = []
        while len(answers) < wanted:
            ready, _, _ = select.select([self.sock], [], [], quiet)
            if not ready:
                break
            data, peer = self.sock.recvfrom(65535)
            at = find_mobility_header(data)
            if at is not None and data[at + 2] == 6 and data[at + 6] == 146:
                tally["146"] = tally.get("146", 0) + 1
                continue
            home = None
            try:
                pkt = IPv6(data)
                if IPv6ExtHdrRouting in pkt and pkt[IPv6ExtHdrRouting].addresses:
                    home = str(pkt[IPv6ExtHdrRouting].addresses[0])
            except Exception:  # noqa: BLE001 - described below
                pass
            sent = sent_by_home.get(home)
            if sent is None:
                tally["other"] = tally.get("other", 0) + 1
                continue
            reply = self.describe(data, sent)
            reply["from"] = "[%s]:%d" % (peer[0], peer[1]) if ":" in peer[0] else "%s:%d" % (peer[0], peer[1])
            reply["homeAddress"] = home
            answers.append(reply)
        return answers

    def many_home_addresses(self, name, count):
        """The script node's valid key claims `count` new home addresses at once; then it
        deregisters every one it was given, so that only replay holds remain."""
        strays = self.drain()
        sent_by_home, claims = {}, []
        seq = (self.own_sequence + 1) & 0xFFFF
        for i in range(count):
            home = "2001:db8:1::1:%x" % (i + 1)
            octets, sent = self.own_update(home, seq)
            sent_by_home[home] = sent
            claims.append(sent)
            self.sock.sendto(octets, self.endpoint)
        tally = {}
        replies = self.await_answers(count, sent_by_home, tally, self.silence)
        granted = [r["homeAddress"] for r in replies if r.get("kind") == "BA" and r.get("status") == 0]
        dereg = {}
        for home in granted:
            octets, sent = self.own_update(home, (seq + 1) & 0xFFFF, lifetime=0)
            dereg[home] = sent
            self.sock.sendto(octets, self.endpoint)
        deregistered = self.await_answers(len(granted), dereg, tally, self.silence)
        return {"case": name, "sent": claims[0], "claims": claims, "replies": replies,
                "deregistrations": deregistered, "tally": tally, "strays": strays}

    def keyless_flood(self, name, datagrams, rounds, forged_sequence):
        """`datagrams` forged Binding Updates (the legitimate node's SPI and home address, a
        random key: each is answered 146 if at all) in `rounds` bursts; after each burst the script
        node sends a Binding Update with a sequence number 100 behind its binding and must get
        the 135 that tells it the number to use; at the end it registers with that number + 1."""
        strays = self.drain()
        L, own = self.legitimate, self.own
        wrong_key = bytes(self.rng.randrange(256) for _ in range(20))
        forged = [self.valid_update(L, self.attacker_care_of(), L.home_address, forged_sequence,
                                    self.fresh_timestamp(), key=wrong_key) for _ in range(16)]
        tally, replies = {}, []
        started = time.monotonic()
        sent_forged = 0
        for r in range(rounds):
            burst = datagrams // rounds + (1 if r < datagrams % rounds else 0)
            for i in range(burst):
                self.sock.sendto(forged[i % len(forged)], self.endpoint)
            sent_forged += burst
            octets, sent = self.own_update(own.home_address, (self.own_sequence - 100) & 0xFFFF)
            self.sock.sendto(octets, self.endpoint)
            answer = self.await_answers(1, {own.home_address: sent}, tally, self.silence)
            replies.extend(answer if answer else [{"kind": "none", "sequenceSent": sent["sequence"]}])
        flood_seconds = time.monotonic() - started
        told = [a["sequence"] for a in replies if a.get("kind") == "BA" and a.get("status") == 135]
        next_sequence = ((told[-1] if told else self.own_sequence) + 1) & 0xFFFF
        octets, sent = self.own_update(own.home_address, next_sequence)
        self.sock.sendto(octets, self.endpoint)
        answer = self.await_answers(1, {own.home_address: sent}, tally, self.silence)
        replies.extend(answer)
        if answer and answer[0].get("status") == 0:
            self.own_sequence = next_sequence
        # Late answers to the flood must not become the next case's strays.
        self.await_answers(1, {}, tally, 1.0)
        return {"case": name, "sent": sent, "replies": replies, "tally": tally, "strays": strays,
                "flood": {"datagrams": sent_forged, "seconds": round(flood_seconds, 3)},
                "totalSeconds": round(time.monotonic() - started, 3)}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    client = HostileClient(config)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        command = json.loads(line)
        name = command.get("case")
        if name == "quit":
            break
        try:
            result = client.run_case(name, command)
        except Exception as e:  # noqa: BLE001 - the test shows it
            log("case", name, "failed:", repr(e))
            result = {"case": name, "error": repr(e)}
        print(json.dumps(result), flush=True)
    client.sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
