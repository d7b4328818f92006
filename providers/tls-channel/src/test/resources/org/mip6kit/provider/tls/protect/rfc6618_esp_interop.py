#!/usr/bin/python3
"""RFC 6618 §6 packets built and checked with scapy's ESP implementation, for ScapyEspInteropTest.

An RFC 6618 packet is an ESP packet (RFC 4303) whose 32-bit SPI field holds PType (4 bits) and
SPI (28 bits), carried in UDP with no IP header in front of the protected payload. scapy's
SecurityAssociation therefore protects it when given spi = (ptype << 28) | spi.

  build SEED DIR   writes DIR/scapy_packets.tsv: packets scapy protected (mobile node -> home
                   agent keys), fresh random SPIs, keys and payloads drawn from SEED
  check DIR        reads DIR/java_packets.tsv: packets mip6kit protected; verifies each with
                   scapy (ICV, decryption, next header, default padding 1, 2, 3, ...)

Two ways of driving scapy:
  * public API: IPv6(...)/<Mobility Header> through SecurityAssociation.encrypt in transport
    mode; scapy takes the next header (135) from the IPv6 header and we keep only the ESP part.
    Its decrypt() re-dissects the payload after the next header, which fails for octets that
    are not a Mobility Header, so it is used only with real Mobility Header messages.
  * ESP layer API: _ESPPlain, CryptAlgo.pad/encrypt/decrypt and AuthAlgo.sign/verify, the very
    functions SecurityAssociation calls, without the IP header step: any payload length and any
    next header (135 for PType 8, 41 for PType 1).
"""
import random
import sys

from scapy.compat import raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6, MIP6MH_BU, MIP6OptAltCoA
from scapy.layers.ipsec import ESP, IPSecIntegrityError, SecurityAssociation, _ESPPlain
from scapy.packet import Raw

SUITES = {
    # our name: (scapy crypt_algo, encryption key length)
    'NULL_SHA': ('NULL', 0),
    'AES_128_CBC_SHA': ('AES-CBC', 16),
    '3DES_EDE_CBC_SHA': ('3DES', 24),
}
PTYPE_MH = 8
PTYPE_IP = 1


def scapy_sa(suite, ptype, spi, ikey, ekey, seq=1):
    algo, _ = SUITES[suite]
    # seq: scapy's encrypt() reads "seq_num or self.seq_num", so a seq_num of 0 (RFC 6618's first
    # number) given to encrypt() silently becomes the association's counter; set the counter.
    return SecurityAssociation(ESP, spi=(ptype << 28) | spi, seq_num=seq, crypt_algo=algo,
                               crypt_key=ekey if ekey else None,
                               auth_algo='HMAC-SHA1-96', auth_key=ikey)


def esp_layer_protect(sa, rnd, seq, payload, nh):
    iv = bytes(rnd.getrandbits(8) for _ in range(sa.crypt_algo.iv_size))
    esp = _ESPPlain(spi=sa.spi, seq=seq, iv=iv, data=Raw(payload), nh=nh)
    esp = sa.crypt_algo.pad(esp)
    esp = sa.crypt_algo.encrypt(sa, esp, sa.crypt_key)
    sa.auth_algo.sign(esp, sa.auth_key)
    return raw(esp)


def build(seed, directory):
    rnd = random.Random(seed)
    print('seed=%d' % seed)
    rows = []

    def draw(suite):
        spi = rnd.randrange(1, 1 << 28)
        ikey = bytes(rnd.getrandbits(8) for _ in range(20))
        ekey = bytes(rnd.getrandbits(8) for _ in range(SUITES[suite][1]))
        return spi, ikey, ekey

    def row(name, suite, ptype, spi, seq, ikey, ekey, nh, payload, packet, expect):
        rows.append('\t'.join([name, suite, str(ptype), str(spi), str(seq), ikey.hex(), ekey.hex(), str(nh),
                               payload.hex(), packet.hex(), expect]))

    for suite in SUITES:
        # A Binding Update built by scapy, protected through the public API.
        for i in range(3):
            spi, ikey, ekey = draw(suite)
            seq = 0 if i == 0 else rnd.randrange(0, 1 << 32)
            sa = scapy_sa(suite, PTYPE_MH, spi, ikey, ekey, seq)
            bu = IPv6(src='2001:db8:2::100', dst='2001:db8:1::1') / MIP6MH_BU(
                seq=rnd.randrange(0, 1 << 16), mhtime=rnd.randrange(1, 1 << 16),
                options=[MIP6OptAltCoA(acoa='2001:db8:2::%x' % rnd.randrange(1, 0xffff))])
            payload = raw(bu)[40:]
            iv = bytes(rnd.getrandbits(8) for _ in range(sa.crypt_algo.iv_size)) or None
            protected = sa.encrypt(bu, iv=iv)
            packet = raw(protected[ESP])
            assert protected.nh == 50 and protected[ESP].seq == seq
            row('%s-bu-%d' % (suite, i), suite, PTYPE_MH, spi, seq, ikey, ekey, 135, payload, packet, 'accept')
            # scapy's own decrypt gives the Binding Update back (its check of its own work).
            back = sa.decrypt(IPv6(src='2001:db8:2::100', dst='2001:db8:1::1') / ESP(packet))
            assert back.nh == 135 and raw(back.payload) == payload
        # Every payload length 0..40 through the ESP layer API.
        for n in range(0, 41):
            spi, ikey, ekey = draw(suite)
            seq = rnd.randrange(0, 1 << 32)
            sa = scapy_sa(suite, PTYPE_MH, spi, ikey, ekey)
            payload = bytes(rnd.getrandbits(8) for _ in range(n))
            packet = esp_layer_protect(sa, rnd, seq, payload, 135)
            row('%s-len-%d' % (suite, n), suite, PTYPE_MH, spi, seq, ikey, ekey, 135, payload, packet, 'accept')
            if n % 10 == 3:
                t = bytearray(packet)
                at = rnd.randrange(4, len(t))
                t[at] ^= 1 << rnd.randrange(8)
                row('%s-len-%d-flipped-at-%d' % (suite, n, at), suite, PTYPE_MH, spi, seq, ikey, ekey, 135,
                    payload, bytes(t), 'BAD_ICV')
        # PType 1: a tunnelled IPv6 packet, next header 41.
        spi, ikey, ekey = draw(suite)
        seq = rnd.randrange(0, 1 << 32)
        sa = scapy_sa(suite, PTYPE_IP, spi, ikey, ekey)
        inner = raw(IPv6(src='2001:db8:1::100', dst='2001:db8:3::1') / UDP(sport=5000, dport=5001)
                    / Raw(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 64)))))
        packet = esp_layer_protect(sa, rnd, seq, inner, 41)
        row('%s-ip-packet' % suite, suite, PTYPE_IP, spi, seq, ikey, ekey, 41, inner, packet, 'accept')

    with open(directory + '/scapy_packets.tsv', 'w') as f:
        f.write('\n'.join(rows) + '\n')
    print('built %d packets' % len(rows))


def trailer_padding(sa, esp, payload_length, padlen):
    """The padding octets as they are in the packet.

    scapy 2.5.0's CryptAlgo.decrypt slices its 'padding' field after it has already cut the data
    short, so that field is wrong; decrypt the ciphertext again with the same scapy cipher
    object to read the padding.
    """
    iv_size = sa.crypt_algo.iv_size
    icv_size = sa.auth_algo.icv_size
    body = esp.data[iv_size:len(esp.data) - icv_size]
    if sa.crypt_algo.cipher:
        iv = esp.data[:iv_size]
        decryptor = sa.crypt_algo.new_cipher(sa.crypt_key, sa.crypt_algo._format_mode_iv(sa=sa, iv=iv)).decryptor()
        body = decryptor.update(body) + decryptor.finalize()
    return body[payload_length:payload_length + padlen]


def check(directory):
    checked = failed = 0
    with open(directory + '/java_packets.tsv') as f:
        lines = [line.rstrip('\n') for line in f if line.strip()]
    for line in lines:
        name, suite, ptype, spi, seq, ikey, ekey, nh, payload, packet, expect = line.split('\t')
        ptype, spi, seq, nh = int(ptype), int(spi), int(seq), int(nh)
        payload, packet = bytes.fromhex(payload), bytes.fromhex(packet)
        sa = scapy_sa(suite, ptype, spi, bytes.fromhex(ikey), bytes.fromhex(ekey))
        checked += 1
        esp = ESP(packet)
        problem = None
        try:
            if expect != 'accept':
                sa.auth_algo.verify(esp, sa.auth_key)
                problem = 'scapy accepted a packet that should fail its ICV'
            elif esp.spi != (ptype << 28) | spi:
                problem = 'spi field 0x%08x' % esp.spi
            elif esp.seq != seq:
                problem = 'sequence %d' % esp.seq
            else:
                sa.auth_algo.verify(esp, sa.auth_key)
                plain = sa.crypt_algo.decrypt(sa, esp, sa.crypt_key, sa.auth_algo.icv_size)
                if raw(plain.data) != payload:
                    problem = 'payload %s' % raw(plain.data).hex()
                elif plain.nh != nh:
                    problem = 'next header %d' % plain.nh
                elif trailer_padding(sa, esp, len(payload), plain.padlen) != bytes(range(1, plain.padlen + 1)):
                    problem = 'padding %s' % trailer_padding(sa, esp, len(payload), plain.padlen).hex()
                elif (len(plain.iv) + len(raw(plain.data)) + plain.padlen + 2) % 4 != 0:
                    problem = 'not 32-bit aligned'
                elif '-bu-' in name:
                    # a real Mobility Header also goes through scapy's public decrypt
                    back = sa.decrypt(IPv6(src='2001:db8:1::1', dst='2001:db8:2::100') / ESP(packet))
                    if back.nh != 135 or raw(back.payload) != payload:
                        problem = 'public decrypt gave nh %d' % back.nh
        except IPSecIntegrityError:
            if expect == 'accept':
                problem = 'ICV rejected by scapy'
        except Exception as e:  # a malformed packet must show up as a failure, not end the run
            problem = 'scapy raised %r' % e
        if problem:
            failed += 1
            print('FAIL %s %s' % (name, problem))
        else:
            print('OK %s' % name)
    print('checked %d packets, %d failed' % (checked, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    if sys.argv[1] == 'build':
        build(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    if sys.argv[1] == 'check':
        sys.exit(check(sys.argv[2]))
    sys.exit('usage: rfc6618_esp_interop.py build SEED DIR | check DIR')
