/// The parameters iperf3 3.21 sends that this type keeps among ``TestParameters/extraKeys``
/// (`server_affinity`, `mptcp`, `flowlabel`, `repeating_payload`, `dont_fragment`,
/// `skip_rx_copy`), read and written by key so unknown keys keep their order.
extension TestParameters {
  /// The CPU the client asks the server to run the test on (`-A n,m`).
  public var serverAffinity: Int? {
    get { extraInt("server_affinity").map { Int(clamping: $0) } }
    set { setExtra("server_affinity", newValue.map { .int(Int64($0)) }) }
  }

  /// MPTCP (`-m`), sent as `"mptcp":true`.
  public var multipath: Bool {
    get { extraValue("mptcp") != nil }
    set { setExtra("mptcp", newValue ? .bool(true) : nil) }
  }

  /// IPv6 flow label (`-L`).
  public var flowLabel: Int? {
    get { extraInt("flowlabel").map { Int(clamping: $0) } }
    set { setExtra("flowlabel", newValue.map { .int(Int64($0)) }) }
  }

  /// Senders use iperf2's repeating "0123456789" payload (`--repeating-payload`).
  public var repeatingPayload: Bool {
    get { extraValue("repeating_payload") != nil }
    set { setExtra("repeating_payload", newValue ? .int(1) : nil) }
  }

  /// IPv4 don't-fragment (`--dont-fragment`).
  public var dontFragment: Bool {
    get { (extraInt("dont_fragment") ?? 0) != 0 }
    set { setExtra("dont_fragment", newValue ? .int(1) : nil) }
  }

  /// Receivers discard instead of copying (`--skip-rx-copy`).
  public var skipReceiveCopy: Bool {
    get { (extraInt("skip_rx_copy") ?? 0) != 0 }
    set { setExtra("skip_rx_copy", newValue ? .int(1) : nil) }
  }

  /// The value of extra key `key` (compared ignoring case, last one wins, as iperf3 reads).
  public func extraValue(_ key: String) -> JSONValue? {
    extraKeys.last { $0.0.lowercased() == key.lowercased() }?.1
  }

  private func extraInt(_ key: String) -> Int64? { extraValue(key)?.intValue }

  private mutating func setExtra(_ key: String, _ value: JSONValue?) {
    extraKeys.removeAll { $0.0.lowercased() == key.lowercased() }
    if let value { extraKeys.append((key, value)) }
  }
}
