/// What a test's pinning came to, for titles and the diagnosis.
public enum PinningKind: Sendable, Hashable {
  /// Stream i on slave i mod n.
  case pinned
  /// `--cport`: consecutive ports, slaves predicted.
  case consecutive
  /// `--no-pin`: the kernel picks the ports, slaves predicted.
  case kernelPorts
  /// The policy ignores ports: every stream between the two hosts on this slave.
  case sharedSlave(Int)
  /// Slaves are chosen per packet or at run time (balance-rr, tlb, encap3+4).
  case notPinnable
}
