//! Sockets: types and flags, `MSG_*`, address families, `shutdown`, protocols, option levels
//! and names.

use core::fmt;

use super::{EnumSpec, FlagSpec, StraceEnum, StraceFlags};

strace_flags! {
    /// Socket type and flags of `socket`/`socketpair`: the type is the field under 0xf.
    ///
    /// ```
    /// use sigsys::flags::SockType;
    /// assert_eq!((SockType::SOCK_STREAM | SockType::SOCK_CLOEXEC).bits(), 0o2000001);
    /// ```
    pub struct SockType: u32;
    zero = None;
    field(0xf) {
        SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET,
        SOCK_DCCP, SOCK_PACKET = 10,
    }
    flags { SOCK_CLOEXEC, SOCK_NONBLOCK }
}

strace_flags! {
    /// Flags of `accept4` (`SOCK_NONBLOCK`, `SOCK_CLOEXEC`).
    ///
    /// ```
    /// use sigsys::flags::SockFlags;
    /// assert_eq!(SockFlags::SOCK_CLOEXEC.bits(), 0o2000000);
    /// ```
    pub struct SockFlags: u32;
    zero = None;
    field(0) {}
    flags { SOCK_CLOEXEC, SOCK_NONBLOCK }
}

strace_flags! {
    /// `send`/`recv` flags (`MSG_*`).
    ///
    /// ```
    /// use sigsys::flags::MsgFlags;
    /// assert_eq!(MsgFlags::MSG_NOSIGNAL.bits(), 0x4000);
    /// ```
    pub struct MsgFlags: u32;
    zero = None;
    field(0) {}
    flags {
        MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_CTRUNC, MSG_PROXY = 0x10,
        MSG_TRUNC, MSG_DONTWAIT, MSG_EOR, MSG_WAITALL,
        MSG_FIN, MSG_SYN, MSG_CONFIRM, MSG_RST,
        MSG_ERRQUEUE, MSG_NOSIGNAL, MSG_MORE,
        MSG_WAITFORONE, MSG_BATCH = 0x40000, MSG_SOCK_DEVMEM = 0x2000000,
        MSG_ZEROCOPY, MSG_FASTOPEN, MSG_CMSG_CLOEXEC,
    }
}

strace_enum! {
    /// Address families (`AF_*`) of `socket` and socket addresses.
    ///
    /// ```
    /// use sigsys::flags::AddressFamily;
    /// assert_eq!(AddressFamily::AF_INET6.0, 10);
    /// ```
    pub struct AddressFamily(u32);
    prefix = "AF_", decimal = false;
    {
        AF_UNSPEC, AF_UNIX, AF_INET, AF_AX25, AF_IPX,
        AF_APPLETALK, AF_NETROM, AF_BRIDGE, AF_ATMPVC, AF_X25,
        AF_INET6, AF_ROSE, AF_DECnet, AF_NETBEUI, AF_SECURITY,
        AF_KEY, AF_NETLINK, AF_PACKET, AF_ASH, AF_ECONET,
        AF_ATMSVC, AF_RDS, AF_SNA, AF_IRDA, AF_PPPOX,
        AF_WANPIPE, AF_LLC, AF_IB, AF_MPLS, AF_CAN, AF_TIPC,
        AF_BLUETOOTH, AF_IUCV, AF_RXRPC, AF_ISDN, AF_PHONET,
        AF_IEEE802154, AF_CAIF, AF_ALG, AF_NFC, AF_VSOCK,
        AF_KCM = 41, AF_QIPCRTR = 42, AF_SMC = 43, AF_XDP, AF_MCTP = 45,
    }
}

strace_enum! {
    /// `shutdown` how (`SHUT_*`).
    ///
    /// ```
    /// use sigsys::flags::ShutdownHow;
    /// assert_eq!(ShutdownHow::SHUT_WR.0, 1);
    /// ```
    pub struct ShutdownHow(u32);
    prefix = "SHUT_", decimal = false;
    { SHUT_RD, SHUT_WR, SHUT_RDWR }
}

strace_enum! {
    /// Internet protocols (`IPPROTO_*`) of `socket`.
    ///
    /// ```
    /// use sigsys::flags::IpProto;
    /// assert_eq!(IpProto::IPPROTO_TCP.0, 6);
    /// ```
    pub struct IpProto(u32);
    prefix = "IPPROTO_", decimal = false;
    {
        IPPROTO_IP, IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_IPIP,
        IPPROTO_TCP, IPPROTO_EGP, IPPROTO_PUP, IPPROTO_UDP,
        IPPROTO_IDP, IPPROTO_TP, IPPROTO_DCCP, IPPROTO_IPV6,
        IPPROTO_RSVP, IPPROTO_GRE, IPPROTO_ESP, IPPROTO_AH,
        IPPROTO_ICMPV6, IPPROTO_MTP, IPPROTO_BEETPH, IPPROTO_ENCAP,
        IPPROTO_PIM, IPPROTO_COMP, IPPROTO_L2TP = 115, IPPROTO_SCTP,
        IPPROTO_UDPLITE, IPPROTO_MPLS, IPPROTO_ETHERNET,
        IPPROTO_RAW, IPPROTO_MPTCP,
    }
}

strace_enum! {
    /// Socket option levels (`SOL_*`), strace 6.1's `socketlayers` in its order (`AF_VSOCK`
    /// is its name for level 40).
    ///
    /// ```
    /// use sigsys::flags::SockLevel;
    /// assert_eq!(SockLevel::SOL_SOCKET.0, 1);
    /// ```
    pub struct SockLevel(u32);
    prefix = "SOL_", decimal = false;
    {
        SOL_IP, SOL_SOCKET, SOL_TCP, SOL_UDP, AF_VSOCK, SOL_IPV6, SOL_ICMPV6, SOL_CAN_BASE,
        SOL_CAN_RAW, SOL_SCTP = 132, SOL_UDPLITE = 136, SOL_RAW, SOL_IPX = 256, SOL_AX25 = 257, SOL_ATALK = 258,
        SOL_NETROM = 259, SOL_ROSE = 260, SOL_DECNET, SOL_X25, SOL_PACKET, SOL_ATM, SOL_AAL, SOL_IRDA,
        SOL_NETBEUI, SOL_LLC, SOL_DCCP, SOL_NETLINK, SOL_TIPC, SOL_RXRPC, SOL_PPPOL2TP,
        SOL_BLUETOOTH, SOL_PNPIPE, SOL_RDS, SOL_IUCV, SOL_CAIF, SOL_ALG, SOL_NFC, SOL_KCM = 281,
        SOL_TLS, SOL_XDP,
    }
}
