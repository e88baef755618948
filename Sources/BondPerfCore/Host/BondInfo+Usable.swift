extension BondInfo {
  /// The slaves the kernel would transmit on, in enslave order.
  ///
  /// Mirrors `bond_update_slave_arr()` and `bond_slave_can_tx()`:
  /// - 802.3ad: ports attached to the active aggregator whose MII status is
  ///   up and, when the LACP actor state is known, that are distributing;
  ///   empty if there is no active aggregator.
  /// - balance-xor, balance-rr, balance-tlb, balance-alb, broadcast: every
  ///   slave with MII status up.
  /// - active-backup: the active slave, if its link is up.
  public static func usableSlaveNames(
    mode: BondMode, slaves: [SlaveInfo], activeAggregatorID: Int?, activeSlave: String?
  ) -> [String] {
    switch mode {
    case .ieee8023ad:
      guard let active = activeAggregatorID, active != 0 else { return [] }
      return slaves.filter { slave in
        slave.aggregatorID == active && slave.miiStatus == .up
          && slave.isDistributing != false
      }.map(\.name)
    case .activeBackup:
      return slaves.filter { $0.name == activeSlave && $0.miiStatus == .up }.map(\.name)
    case .balanceRR, .balanceXOR, .balanceTLB, .balanceALB, .broadcast:
      return slaves.filter { $0.miiStatus == .up }.map(\.name)
    }
  }

  /// The warnings for this bond, in a fixed order: links, aggregators, mode, policy.
  func computeWarnings() -> [String] {
    var warnings: [String] = []
    for slave in slaves where slave.miiStatus != .up {
      warnings.append("slave \(slave.name) is \(slave.miiStatus.rawValue): it carries no traffic")
    }
    if mode == .ieee8023ad {
      if let active = activeAggregator?.id, active != 0 {
        for slave in slaves where slave.aggregatorID != active {
          let place = slave.aggregatorID.map { "aggregator \($0)" } ?? "no aggregator"
          warnings.append(
            "slave \(slave.name) is in \(place), not the active aggregator \(active): "
              + "it carries no traffic (check the partner's LAG configuration)")
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
