extension BondInfo {
  /// The names in `<sysfs>/class/net/bonding_masters`, in the kernel's order;
  /// empty if the bonding module isn't loaded.
  public static func listBonds(roots: HostRoots = .live) -> [String] {
    guard let text = HostFile.value(roots.sysfs("class/net/bonding_masters")) else { return [] }
    return text.split(whereSeparator: \.isWhitespace).map(String.init)
  }

  /// Whether `name` is a bond (has `<sysfs>/class/net/<name>/bonding`).
  public static func isBond(_ name: String, roots: HostRoots = .live) -> Bool {
    HostFile.exists(roots.netClass(name) + "/bonding")
  }

  /// The bond to inspect when the user named none: the only bond on the host.
  ///
  /// - Throws: ``HostError/noBonds`` or ``HostError/ambiguousBond(known:)``.
  public static func defaultBond(roots: HostRoots = .live) throws -> String {
    let bonds = listBonds(roots: roots)
    guard let first = bonds.first else { throw HostError.noBonds }
    guard bonds.count == 1 else { throw HostError.ambiguousBond(known: bonds) }
    return first
  }

  /// Reads a bond from `<sysfs>/class/net/<bond>/bonding/*`, the slaves'
  /// `bonding_slave/*`, and `<procfs>/net/bonding/<bond>`.
  ///
  /// sysfs wins where both have a value; procfs supplies what sysfs lacks
  /// (churn states, LACP partner details, and the aggregator keys when the
  /// sysfs files are empty for lack of `CAP_NET_ADMIN`). A missing procfs
  /// file is tolerated; an unreadable one is an error.
  ///
  /// - Throws: ``HostError`` when the bond doesn't exist or its files can't be read.
  public static func read(bond: String, roots: HostRoots = .live) throws -> BondInfo {
    let bondingDir = roots.netClass(bond) + "/bonding"
    guard HostFile.exists(bondingDir) else {
      throw HostError.noSuchBond(name: bond, path: bondingDir, known: listBonds(roots: roots))
    }
    let procPath = roots.procfs("net/bonding/\(bond)")
    var proc = BondProcFile(parsing: "")
    if HostFile.exists(procPath) {
      proc = BondProcFile(parsing: try HostFile.read(procPath))
    }
    func attr(_ file: String) -> String? { HostFile.nonEmptyValue(bondingDir + "/" + file) }

    let modeText = attr("mode") ?? proc.master["Bonding Mode"]
    guard let modeText, let mode = BondMode(sysfs: modeText) else {
      throw HostError.malformed(path: bondingDir + "/mode", text: modeText ?? "")
    }
    let policy = (attr("xmit_hash_policy") ?? proc.master["Transmit Hash Policy"])
      .flatMap(BondHashPolicy.init(sysfs:))

    let slaveNames =
      attr("slaves").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
      ?? proc.slaves.map(\.name)
    let slaves = slaveNames.map { name in
      readSlave(name, roots: roots, proc: proc.slaves.first { $0.name == name }, mode: mode)
    }

    var aggregator: ActiveAggregator?
    if mode == .ieee8023ad {
      let id =
        attr("ad_aggregator").flatMap { Int($0) }
        ?? proc.activeAggregator["Aggregator ID"].flatMap { Int($0) }
      if let id, id != 0 {
        let info = proc.activeAggregator
        aggregator = ActiveAggregator(
          id: id,
          numberOfPorts: attr("ad_num_ports").flatMap { Int($0) }
            ?? info["Number of ports"].flatMap { Int($0) },
          actorKey: attr("ad_actor_key").flatMap { Int($0) }
            ?? info["Actor Key"].flatMap { Int($0) },
          partnerKey: attr("ad_partner_key").flatMap { Int($0) }
            ?? info["Partner Key"].flatMap { Int($0) },
          partnerMAC: (attr("ad_partner_mac") ?? info["Partner Mac Address"]).flatMap {
            MACAddress($0)
          })
      }
    }

    let activeSlave =
      attr("active_slave")
      ?? proc.master["Currently Active Slave"].flatMap { $0 == "None" ? nil : $0 }
    return BondInfo(
      name: bond, mode: mode, hashPolicy: policy,
      macAddress: HostFile.nonEmptyValue(roots.netClass(bond) + "/address").flatMap {
        MACAddress($0)
      },
      miiStatus: (attr("mii_status") ?? proc.master["MII Status"]).flatMap {
        LinkStatus(kernel: $0)
      },
      miimon: attr("miimon").flatMap { Int($0) }
        ?? proc.master["MII Polling Interval (ms)"].flatMap { Int($0) },
      lacpRate: mode == .ieee8023ad
        ? (attr("lacp_rate") ?? proc.master["LACP rate"]).flatMap { LACPRate(kernel: $0) } : nil,
      adSelect: mode == .ieee8023ad
        ? (attr("ad_select") ?? proc.master["Aggregator selection policy (ad_select)"])
          .flatMap { $0.split(separator: " ").first.map(String.init) } : nil,
      lacpActive: mode == .ieee8023ad
        ? (attr("lacp_active") ?? proc.master["LACP active"]).flatMap(Self.onOff) : nil,
      minLinks: mode == .ieee8023ad
        ? (attr("min_links") ?? proc.master["Min links"]).flatMap { Int($0) } : nil,
      tlbDynamicLB: attr("tlb_dynamic_lb").flatMap { Int($0) }.map { $0 != 0 },
      activeSlave: activeSlave,
      activeAggregator: aggregator,
      slaves: slaves)
  }

  /// `on`, `off`, or sysfs's `on 1` / `off 0`.
  static func onOff(_ text: String) -> Bool? {
    switch text.split(separator: " ").first {
    case "on", "1": true
    case "off", "0": false
    default: nil
    }
  }

  /// One slave from `<sysfs>/class/net/<slave>/{speed,duplex,bonding_slave/*}`,
  /// filling gaps from its procfs block.
  private static func readSlave(
    _ name: String, roots: HostRoots, proc: BondProcFile.Slave?, mode: BondMode
  ) -> SlaveInfo {
    let dir = roots.netClass(name)
    func attr(_ file: String) -> String? { HostFile.nonEmptyValue(dir + "/bonding_slave/" + file) }
    let fields = proc?.fields ?? [:]
    let speed =
      HostFile.integer(dir + "/speed")
      ?? fields["Speed"].flatMap { Int($0.split(separator: " ").first ?? "") }
    let duplex = (HostFile.nonEmptyValue(dir + "/duplex") ?? fields["Duplex"])
      .flatMap { Duplex(kernel: $0) }
    let status = (attr("mii_status") ?? fields["MII Status"]).flatMap { LinkStatus(kernel: $0) }
    let aggregatorText = attr("ad_aggregator_id") ?? fields["Aggregator ID"]
    return SlaveInfo(
      name: name,
      miiStatus: status ?? .down,
      speedMbps: speed.flatMap { $0 > 0 ? $0 : nil },
      duplex: duplex,
      permanentAddress: (attr("perm_hwaddr") ?? fields["Permanent HW addr"]).flatMap {
        MACAddress($0)
      },
      linkFailureCount: (attr("link_failure_count") ?? fields["Link Failure Count"])
        .flatMap { Int($0) } ?? 0,
      state: attr("state"),
      aggregatorID: mode == .ieee8023ad ? aggregatorText.flatMap { Int($0) } : nil,
      actorPortState: attr("ad_actor_oper_port_state").flatMap { Int($0) }
        ?? proc?.actorDetails["port state"].flatMap { Int($0) },
      partnerPortState: attr("ad_partner_oper_port_state").flatMap { Int($0) }
        ?? proc?.partnerDetails["port state"].flatMap { Int($0) },
      partnerSystemMAC: proc?.partnerDetails["system mac address"].flatMap { MACAddress($0) },
      actorKey: proc?.actorDetails["port key"].flatMap { Int($0) },
      partnerKey: proc?.partnerDetails["oper key"].flatMap { Int($0) },
      actorChurnState: fields["Actor Churn State"],
      partnerChurnState: fields["Partner Churn State"],
      actorChurnedCount: fields["Actor Churned Count"].flatMap { Int($0) },
      partnerChurnedCount: fields["Partner Churned Count"].flatMap { Int($0) })
  }
}
