#!/usr/bin/env python3
"""spcr.py: the body of an ACPI SPCR table for QEMU's `-acpitable sig=SPCR,rev=2,data=FILE`.

    python3 tests/emu/spcr.py OUT [--io PORT | --mmio ADDR] [--access-size N] [--baud-code N] [--type N]

QEMU writes the 36-byte header itself (signature, length, revision, checksum);
`data=` is everything after it: 44 bytes for a revision 2 table (Microsoft
SPCR spec: interface type at 36, base address GAS at 40, baud rate code at 58,
PCI device/vendor 0xffff = not PCI).
"""

import argparse
import os
import struct

GAS_MEMORY, GAS_IO = 0, 1


def body(space=GAS_IO, address=0x2f8, access_size=1, baud_code=7, iface=0x00, irq=3):
    b = struct.pack("<B3x", iface)
    b += struct.pack("<BBBBQ", space, 8, 0, access_size, address)
    b += struct.pack("<BBI", 0x01, irq, irq)            # interrupt type: dual-8259 IRQ
    b += struct.pack("<BBBBBB", baud_code, 0, 1, 0, 0, 0)  # baud, no parity, 1 stop, no flow, VT100
    b += struct.pack("<HHBBBIB", 0xffff, 0xffff, 0, 0, 0, 0, 0)
    b += struct.pack("<I", 0)                            # UART clock: reserved in revision 2
    assert len(b) == 80 - 36, len(b)
    return b


def write(path, **kw):
    """Writes the body to path (directories made) and returns path: for suite.py's qemu_args."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(body(**kw))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--io", type=lambda s: int(s, 0), default=0x2f8)
    g.add_argument("--mmio", type=lambda s: int(s, 0))
    ap.add_argument("--access-size", type=int, default=1)
    ap.add_argument("--baud-code", type=int, default=7)
    ap.add_argument("--type", type=lambda s: int(s, 0), default=0)
    a = ap.parse_args()
    space, addr = (GAS_MEMORY, a.mmio) if a.mmio is not None else (GAS_IO, a.io)
    write(a.out, space=space, address=addr, access_size=a.access_size, baud_code=a.baud_code, iface=a.type)


if __name__ == "__main__":
    main()
