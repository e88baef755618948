extension BondInfo {
  /// The slaves the kernel would transmit on, in enslave order.
  ///
  /// Mirrors `bond_update_slave_arr()` and `bond_slave_can_tx()`:
  /// - 802.3ad: ports attached to the active aggregator whose MII status is
  ///   up and, when the LACP actor state is known, that are distributing;
  ///   empty if there is no active aggregator, or if it has fewer such ports
  ///   than `min_links` (`bond_3ad_set_carrier()` then turns the bond's
  ///   carrier off and nothing is sent).
  /// - balance-xor, balance-rr, balance-tlb, balance-alb, broadcast: every
  ///   slave with MII status up.
  /// - active-backup: the active slave, if its link is up.
  public static func usableSlaveNames(
    mode: BondMode, slaves: [SlaveInfo], activeAggregatorID: Int?, activeSlave: String?,
    minLinks: Int? = nil
  ) -> [String] {
    switch mode {
    case .ieee8023ad:
      guard let active = activeAggregatorID, active != 0 else { return [] }
      let ports = slaves.filter { slave in
        slave.aggregatorID == active && slave.miiStatus == .up
          && slave.isDistributing != false
      }.map(\.name)
      return ports.count < (minLinks ?? 0) ? [] : ports
    case .activeBackup:
      return slaves.filter { $0.name == activeSlave && $0.miiStatus == .up }.map(\.name)
    case .balanceRR, .balanceXOR, .balanceTLB, .balanceALB, .broadcast:
      return slaves.filter { $0.miiStatus == .up }.map(\.name)
    }
  }

  /// Why an 802.3ad port is not in the active aggregator, from what the partner
  /// announced on it.
  static func partnerMismatch(_ slave: SlaveInfo, _ aggregator: ActiveAggregator) -> String {
    if (slave.actorPortState ?? 0) & 0x40 != 0 || slave.partnerSystemMAC == .zero {
      return "no partner answered LACP on this link (defaulted): is the other end in a LAG?"
    }
    if let key = slave.partnerKey, let aggregatorKey = aggregator.partnerKey, key != aggregatorKey {
      return "its partner's key is \(key), the active aggregator's partner key \(aggregatorKey): "
        + "the partner put this link in another LAG"
    }
    if let mac = slave.partnerSystemMAC, let aggregatorMAC = aggregator.partnerMAC,
      mac != aggregatorMAC
    {
      return "its partner is \(mac), the active aggregator's \(aggregatorMAC): "
        + "this link goes to another device"
    }
    return "check the partner's LAG configuration"
  }

  /// The warnings for this bond, in a fixed order: links, aggregators, mode, policy.
  func computeWarnings() -> [String] {
    var warnings: [String] = []
    for slave in slaves where slave.miiStatus != .up {
      warnings.append("slave \(slave.name) is \(slave.miiStatus.rawValue): it carries no traffic")
    }
    if mode == .ieee8023ad {
      if let aggregator = activeAggregator, aggregator.id != 0 {
        let active = aggregator.id
        for slave in slaves where slave.aggregatorID != active {
          let place = slave.aggregatorID.map { "aggregator \($0)" } ?? "no aggregator"
          warnings.append(
            "slave \(slave.name) is in \(place), not the active aggregator \(active): "
              + "it carries no traffic (\(Self.partnerMismatch(slave, aggregator)))")
        }
        let ready = slaves.filter {
          $0.aggregatorID == active && $0.miiStatus == .up && $0.isDistributing != false
        }
        if let minLinks, minLinks > 0, ready.count < minLinks {
          warnings.append(
            "min_links \(minLinks) not met: the active aggregator has \(ready.count) "
              + "working port\(ready.count == 1 ? "" : "s"), so bond \(name) has no carrier "
              + "and transmits nothing")
        }
        for slave in slaves
        where slave.aggregatorID == active && slave.miiStatus == .up
          && slave.isDistributing == false
        {
          warnings.append(
            "slave \(slave.name) is in the active aggregator but not distributing: "
              + "LACP negotiation with the partner has not finished")
        }
      } else {
        warnings.append("bond \(name) has no active aggregator: nothing is transmitted")
      }
      let passivePartners = slaves.filter { $0.partnerIsActive == false }.map(\.name)
      if lacpActive == false, !passivePartners.isEmpty {
        warnings.append(
          "LACP is passive on both ends (lacp_active off here and on the partner of "
            + "\(passivePartners.joined(separator: ", "))): neither sends LACPDUs on its own, "
            + "so the aggregation is never confirmed or refreshed (set lacp_active on at one end)")
      }
      let stale = slaves.filter { $0.miiStatus == .up && $0.partnerInfoStale == true }
      if !stale.isEmpty {
        warnings.append(
          "the partner's LACP information expired (or never came) on \(stale.map(\.name).joined(separator: ", ")): "
            + "no LACPDU arrived in time, so the partner may not be collecting what is sent")
      }
    }
    switch mode {
    case .activeBackup:
      warnings.append("mode active-backup: only one slave (the active one) is used")
    case .broadcast:
      warnings.append(
        "mode broadcast: every packet is sent on every slave, so there is no aggregation")
    case .balanceRR:
      warnings.append(
        "mode balance-rr: packets of one flow are sprayed across slaves (reordering possible); "
          + "streams can't be pinned to slaves")
    case .balanceTLB, .balanceALB:
      if tlbDynamicLB != false {
        warnings.append(
          "mode \(mode.rawValue) with tlb_dynamic_lb=1: slaves are assigned by load, "
            + "so pinning streams to slaves is impossible (set tlb_dynamic_lb=0)")
      }
    case .balanceXOR, .ieee8023ad:
      break
    }
    if let policy = hashPolicy, mode != .balanceALB || tlbDynamicLB == false,
      mode != .balanceTLB || tlbDynamicLB == false
    {
      switch policy {
      case .encap3_4:
        warnings.append(
          "xmit_hash_policy encap3+4 uses the socket's random flow hash for local traffic: "
            + "pinning streams by source port is impossible")
      case .layer2, .layer2_3, .vlanSrcMAC, .encap2_3:
        warnings.append(
          "xmit_hash_policy \(policy.rawValue) ignores TCP ports: all streams between two hosts "
            + "use one slave and source ports can't steer them (use layer3+4)")
      case .layer3_4:
        break
      }
    }
    if usableSlaves.isEmpty {
      warnings.append("no usable slaves: the bond can't transmit")
    } else if usableSlaves.count == 1 && mode != .activeBackup && slaves.count > 1 {
      warnings.append("only one usable slave (\(usableSlaves[0])): no aggregation is possible")
    }
    return warnings
  }
}
