"""What traffic a rule allows: a protocol and a port range (or ICMP type/code), validated.

``Port.parse`` reads the strings used in config and component args; ``str(port)`` writes the
canonical form back, and ``Port.parse(str(port)) == port`` always holds.

==============  ======================  ==========================================
String          Meaning                 Named constructor
==============  ======================  ==========================================
``https``       a catalogued service    ``Port.service("https")``
``tcp:8080``    one TCP port            ``Port.tcp(8080)``
``tcp:1-1023``  a TCP range             ``Port.tcp_range(1, 1023)``
``udp:53``      one UDP port            ``Port.udp(53)`` / ``Port.udp_range``
``icmp``        every ICMP type         ``Port.icmp()``
``icmp:8``      ICMP type 8, any code   ``Port.icmp(8)``
``icmp:3/4``    ICMP type 3, code 4     ``Port.icmp(3, 4)``
``icmpv6``      every ICMPv6 type       ``Port.icmpv6()`` (same forms as ICMP)
``all``         every protocol and port ``Port.all_traffic()``
==============  ======================  ==========================================
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Optional

from tiered_sg.errors import TieredSgError, did_you_mean

MAX_PORT = 65535
MAX_ICMP = 255
ANY = -1
"""AWS's "every ICMP type/code" value, and the port value of all-traffic rules."""


class Protocol(StrEnum):
    """IP protocols a rule can name; the values are what AWS expects in ``ip_protocol``."""

    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"
    ICMPV6 = "icmpv6"
    ALL = "-1"


_RANGE = re.compile(r"(\d{1,6})(?:-(\d{1,6}))?", re.ASCII)
_ICMP = re.compile(r"(\d{1,4})(?:/(\d{1,4}))?", re.ASCII)


@dataclass(frozen=True, repr=False)
class Port:
    """A protocol with a port range; for ICMP, ``from_port`` is the type and ``to_port`` the code.

    Build one with the named constructors or :meth:`parse`; construction validates, so a
    ``Port`` in hand is always one AWS accepts.
    """

    protocol: Protocol
    from_port: int
    to_port: int

    def __post_init__(self) -> None:
        if self.protocol not in set(Protocol):
            raise TieredSgError(
                "protocol",
                self.protocol,
                "is not a protocol security groups take",
                "use Port.tcp/udp/icmp/icmpv6/all_traffic or Port.parse",
            )
        object.__setattr__(self, "protocol", Protocol(self.protocol))
        if self.protocol in (Protocol.TCP, Protocol.UDP):
            self._check_port_range()
        elif self.protocol in (Protocol.ICMP, Protocol.ICMPV6):
            self._check_icmp()
        elif (self.from_port, self.to_port) != (ANY, ANY):
            raise TieredSgError(
                "port",
                f"all:{self.from_port}-{self.to_port}",
                "all traffic covers every protocol and port, so it takes no port",
                "use Port.all_traffic(), or a tcp/udp port range",
            )

    def _check_port_range(self) -> None:
        text = str(self)
        for port in (self.from_port, self.to_port):
            if not 0 <= port <= MAX_PORT:
                raise TieredSgError(
                    "port",
                    text,
                    f"port {port} is out of range 0-{MAX_PORT}",
                    f"use a port from 0 to {MAX_PORT}",
                )
        if self.from_port > self.to_port:
            raise TieredSgError(
                "port",
                text,
                f"the range is reversed ({self.from_port} > {self.to_port})",
                f"write {self.protocol}:{self.to_port}-{self.from_port}",
            )

    def _check_icmp(self) -> None:
        text = str(self)
        for value, part in ((self.from_port, "type"), (self.to_port, "code")):
            if not ANY <= value <= MAX_ICMP:
                raise TieredSgError(
                    "port",
                    text,
                    f"ICMP {part} {value} is out of range 0-{MAX_ICMP}",
                    f"use an ICMP {part} from 0 to {MAX_ICMP}, or leave it out for all",
                )
        if self.from_port == ANY and self.to_port != ANY:
            raise TieredSgError(
                "port",
                f"{self.protocol} code {self.to_port}",
                "an ICMP code needs an ICMP type",
                f"write {self.protocol}:<type>/{self.to_port}",
            )

    # -- named constructors -------------------------------------------------------------------

    @classmethod
    def tcp(cls, port: int) -> "Port":
        """One TCP port."""
        return cls(Protocol.TCP, port, port)

    @classmethod
    def tcp_range(cls, start: int, end: int) -> "Port":
        """TCP ports ``start`` to ``end``, both included."""
        return cls(Protocol.TCP, start, end)

    @classmethod
    def udp(cls, port: int) -> "Port":
        """One UDP port."""
        return cls(Protocol.UDP, port, port)

    @classmethod
    def udp_range(cls, start: int, end: int) -> "Port":
        """UDP ports ``start`` to ``end``, both included."""
        return cls(Protocol.UDP, start, end)

    @classmethod
    def icmp(cls, icmp_type: Optional[int] = None, code: Optional[int] = None) -> "Port":
        """ICMP (IPv4): every type, one type (any code), or one type and code."""
        return cls._icmp_of(Protocol.ICMP, icmp_type, code)

    @classmethod
    def icmpv6(cls, icmp_type: Optional[int] = None, code: Optional[int] = None) -> "Port":
        """ICMPv6: every type, one type (any code), or one type and code."""
        return cls._icmp_of(Protocol.ICMPV6, icmp_type, code)

    @classmethod
    def _icmp_of(cls, protocol: Protocol, icmp_type: Optional[int], code: Optional[int]) -> "Port":
        return cls(
            protocol,
            ANY if icmp_type is None else icmp_type,
            ANY if code is None else code,
        )

    @classmethod
    def all_traffic(cls) -> "Port":
        """Every protocol and every port."""
        return cls(Protocol.ALL, ANY, ANY)

    @classmethod
    def service(cls, name: str) -> "Port":
        """A catalogued service by name (``ssh``, ``https``, ``postgres``...), see ``SERVICES``."""
        key = name.strip().lower()
        if key not in SERVICES:
            raise TieredSgError(
                "service", name, "is not in the service catalogue", did_you_mean(key, SERVICES)
            )
        return SERVICES[key]

    @classmethod
    def parse(cls, text: str) -> "Port":
        """Read ``https``, ``tcp:8080``, ``tcp:1024-2048``, ``udp:53``, ``icmp``, ``all``..."""
        try:
            return cls._parse(text)
        except TieredSgError as err:
            raise TieredSgError("port", text, err.problem, err.hint) from None

    @classmethod
    def _parse(cls, text: str) -> "Port":
        spec = text.strip().lower()
        if not spec:
            raise TieredSgError(
                "port", text, "is empty", "write a service name such as 'https' or 'tcp:8080'"
            )
        if spec in SERVICES:
            return SERVICES[spec]
        name, colon, rest = spec.partition(":")
        if name == "all":
            if colon:
                raise TieredSgError(
                    "port",
                    text,
                    "all traffic covers every protocol and port, so it takes no port",
                    f"write 'all', or 'tcp:{rest}' for TCP only",
                )
            return cls.all_traffic()
        if name in (Protocol.TCP, Protocol.UDP):
            return cls._parse_range(Protocol(name), rest, bool(colon))
        if name in (Protocol.ICMP, Protocol.ICMPV6):
            return cls._parse_icmp(Protocol(name), rest, bool(colon))
        if _RANGE.fullmatch(spec):
            raise TieredSgError(
                "port",
                text,
                "a bare number does not say which protocol",
                f"write 'tcp:{spec}' or 'udp:{spec}'",
            )
        raise TieredSgError(
            "port",
            text,
            "is not a known service or protocol",
            did_you_mean(
                spec,
                [*SERVICES, *_PROTOCOL_WORDS],
                f"use a service ({', '.join(SERVICES)}) or tcp:<port>, tcp:<from>-<to>, "
                "udp:<port>, icmp, icmpv6 or all",
            ),
        )

    @classmethod
    def _parse_range(cls, protocol: Protocol, rest: str, has_colon: bool) -> "Port":
        match = _RANGE.fullmatch(rest.replace(" ", ""))
        if not match:
            what = f"{rest!r} is not a port or range" if has_colon and rest else "has no port"
            raise TieredSgError("port", rest, what, f"write {protocol}:443 or {protocol}:1024-2048")
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) is not None else start
        return cls(protocol, start, end)

    @classmethod
    def _parse_icmp(cls, protocol: Protocol, rest: str, has_colon: bool) -> "Port":
        if not has_colon:
            return cls(protocol, ANY, ANY)
        match = _ICMP.fullmatch(rest.replace(" ", ""))
        if not match:
            raise TieredSgError(
                "port",
                rest,
                f"{rest!r} is not an ICMP type or type/code",
                f"write {protocol}, {protocol}:8 or {protocol}:3/4",
            )
        code = match.group(2)
        return cls(protocol, int(match.group(1)), ANY if code is None else int(code))

    # -- views --------------------------------------------------------------------------------

    @property
    def is_all_traffic(self) -> bool:
        """True for the every-protocol, every-port rule."""
        return self.protocol is Protocol.ALL

    @property
    def aws_from_port(self) -> Optional[int]:
        """``from_port`` as AWS wants it: absent for all traffic."""
        return None if self.is_all_traffic else self.from_port

    @property
    def aws_to_port(self) -> Optional[int]:
        """``to_port`` as AWS wants it: absent for all traffic."""
        return None if self.is_all_traffic else self.to_port

    @property
    def service_name(self) -> Optional[str]:
        """The catalogue name of exactly this port, if it has one."""
        return _SERVICE_NAMES.get(self)

    @property
    def label(self) -> str:
        """Human form for descriptions: ``https (tcp:443)`` or ``tcp:8080``."""
        name = self.service_name
        return f"{name} ({self})" if name else str(self)

    def __str__(self) -> str:
        if self.protocol is Protocol.ALL:
            return "all"
        if self.protocol in (Protocol.TCP, Protocol.UDP):
            if self.from_port == self.to_port:
                return f"{self.protocol}:{self.from_port}"
            return f"{self.protocol}:{self.from_port}-{self.to_port}"
        if self.from_port == ANY:
            return str(self.protocol)
        if self.to_port == ANY:
            return f"{self.protocol}:{self.from_port}"
        return f"{self.protocol}:{self.from_port}/{self.to_port}"

    def __repr__(self) -> str:
        return f"Port.parse({str(self)!r})"


_PROTOCOL_WORDS = ("tcp", "udp", "icmp", "icmpv6", "all")

SERVICES: MappingProxyType[str, Port] = MappingProxyType(
    {
        "ftp": Port.tcp(21),
        "ssh": Port.tcp(22),
        "smtp": Port.tcp(25),
        "dns": Port.udp(53),
        "dns-tcp": Port.tcp(53),
        "http": Port.tcp(80),
        "ntp": Port.udp(123),
        "ldap": Port.tcp(389),
        "https": Port.tcp(443),
        "smtps": Port.tcp(465),
        "ldaps": Port.tcp(636),
        "mssql": Port.tcp(1433),
        "nfs": Port.tcp(2049),
        "mysql": Port.tcp(3306),
        "rdp": Port.tcp(3389),
        "postgres": Port.tcp(5432),
        "redis": Port.tcp(6379),
        "mongodb": Port.tcp(27017),
    }
)
"""The service catalogue: names usable wherever a port string is expected."""

_SERVICE_NAMES: dict[Port, str] = {port: name for name, port in SERVICES.items()}
