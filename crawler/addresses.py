"""Which network addresses are public: the line the egress gate draws for fetches."""

from __future__ import annotations

import ipaddress


def is_public_address(address: str) -> bool:
    """True for a global unicast address; loopback, private, link-local and the like are not."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast
