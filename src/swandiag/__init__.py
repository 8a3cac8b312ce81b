"""swandiag: why did that IPsec negotiation fail? Reads both ends' logs and tells you."""

__version__ = "0.1.0"
