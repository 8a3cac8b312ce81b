"""Builds Negotiation records for correlation unit tests (both ends of one exchange at once)."""
from __future__ import annotations

from swandiag.analysis import InputSummary
from swandiag.ingest.records import InputSpec
from swandiag.negotiation.records import (
    ChildSA, Direction, Endpoint, EventRef, Message, Negotiation, Role, Side,
)
from swandiag.parse.event import LogFormat

# (exchange, mid, from_client, request, size)
IKEV2_SCRIPT = [
    ("IKE_SA_INIT", 0, True, True, 940),
    ("IKE_SA_INIT", 0, False, False, 273),
    ("IKE_AUTH", 1, True, True, 1236),
    ("IKE_AUTH", 1, False, False, 1236),
]


def summary(index: int, name: str) -> InputSummary:
    return InputSummary(spec=InputSpec(index=index, name=name, members=()), format=LogFormat.CHARON_FILELOG,
                        confidence=1.0)


def pair(n: int, *, t0: float, gw_input: int = 0, cl_input: int = 1, offset: float = 0.0,
         script=None, client_addr: str = "192.0.2.10", nat_addr: str | None = None,
         gateway_addr: str = "192.0.2.1", spis: tuple[str, str] | None = None, client_id: str | None = None,
         transit: float = 0.004, version: int = 2, gw_n: int | None = None, cl_timed: bool = True,
         gw_seen: int | None = None, whole_seconds: bool = False) -> tuple[Negotiation, Negotiation]:
    """Gateway and client ends of one negotiation; the client's clock runs `offset` s ahead.
    `gw_seen` = how many script messages reached the gateway (the rest were lost)."""
    script = script or IKEV2_SCRIPT
    seen_addr = nat_addr or client_addr
    gw = Negotiation(id=f"gw#{gw_n if gw_n is not None else n}", input=gw_input, host="gw", daemon="charon",
                     side=Side.GATEWAY, role=Role.RESPONDER, ike_version=version,
                     local=Endpoint(gateway_addr, 500), remote=Endpoint(seen_addr, 500))
    cl = Negotiation(id=f"cl{cl_input}#{n}", input=cl_input, host="cl", daemon="charon",
                     side=Side.CLIENT, role=Role.INITIATOR, ike_version=version,
                     local=Endpoint(client_addr, 500), remote=Endpoint(gateway_addr, 500))
    t = t0
    for k, (exchange, mid, from_client, request, size) in enumerate(script):
        lost = gw_seen is not None and k >= gw_seen
        send_t, recv_t = t + 0.05, t + 0.05 + transit
        t = recv_t
        sender, receiver = (cl, gw) if from_client else (gw, cl)
        s_off, r_off = (offset, 0.0) if from_client else (0.0, offset)
        s_src, s_dst = (f"{client_addr}[500]", f"{gateway_addr}[500]") if from_client else (
            f"{gateway_addr}[500]", f"{seen_addr}[500]")
        if not from_client and lost:
            break
        st = send_t + s_off if (sender is gw or cl_timed) else None
        sender.messages.append(Message(exchange, mid, Direction.OUT, request, (), st,
                                       EventRef(sender.input, 10 * k + 1), size, s_src, s_dst))
        if lost:
            continue
        rt = recv_t + r_off if (receiver is gw or cl_timed) else None
        receiver.messages.append(Message(exchange, mid, Direction.IN, request, (), rt,
                                         EventRef(receiver.input, 10 * k + 2), size, s_src, s_dst))
    if spis:
        gw.children.append(ChildSA("net", 1, spi_in=spis[0], spi_out=spis[1]))
        cl.children.append(ChildSA("home", 1, spi_in=spis[1], spi_out=spis[0]))
    if client_id:
        gw.remote_id = client_id
        cl.local_id = client_id
    for neg in (gw, cl):
        if whole_seconds:
            for m in neg.messages:
                m.ts = None if m.ts is None else float(int(m.ts // 1))
        times = [m.ts for m in neg.messages if m.ts is not None]
        neg.first_ts, neg.last_ts = (min(times), max(times)) if times else (None, None)
    return gw, cl
