import Foundation
import Testing

/// The real driver's own files in the lab's client namespace, read without bondperf's
/// parser: `/proc/net/bonding/bond0` split at `Slave Interface:`, and sysfs values.
struct RealBondFiles: Equatable {
  var master: [String]
  var slaveBlocks: [String: [String]]

  /// Reads `/proc/net/bonding/<bond>` in `ns`.
  static func read(bond: String = "bond0", in ns: [String] = RealBondLab.client) throws
    -> RealBondFiles
  {
    let text = try RealBondLab.read("/proc/net/bonding/\(bond)", in: ns)
    var master: [String] = []
    var blocks: [String: [String]] = [:]
    var current: String?
    for raw in text.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("Slave Interface: ") {
        let name = String(line.dropFirst("Slave Interface: ".count))
        current = name
        blocks[name] = []
      } else if let name = current {
        blocks[name, default: []].append(line)
      } else {
        master.append(line)
      }
    }
    return RealBondFiles(master: master, slaveBlocks: blocks)
  }

  /// The first `Key: value` line's value among `lines` (after `from` when given,
  /// e.g. the partner's lines after `details partner lacp pdu:`).
  static func value(_ key: String, in lines: [String], after from: String? = nil) -> String? {
    var seen = from == nil
    for line in lines {
      if !seen {
        seen = line == from
        continue
      }
      if line.hasPrefix(key + ": ") { return String(line.dropFirst(key.count + 2)) }
    }
    return nil
  }

  func master(_ key: String) -> String? { Self.value(key, in: master) }

  func slave(_ name: String, _ key: String, partner: Bool = false, actor: Bool = false)
    -> String?
  {
    let from =
      partner ? "details partner lacp pdu:" : actor ? "details actor lacp pdu:" : nil
    return Self.value(key, in: slaveBlocks[name] ?? [], after: from)
  }

  func slaveInt(_ name: String, _ key: String, partner: Bool = false, actor: Bool = false)
    -> Int?
  {
    slave(name, key, partner: partner, actor: actor).flatMap { Int($0) }
  }

  /// A sysfs value (first word) in `ns`.
  static func sysfs(_ path: String, in ns: [String] = RealBondLab.client) throws -> String {
    let text = try RealBondLab.read(path, in: ns).trimmingCharacters(in: .whitespacesAndNewlines)
    return String(text.split(separator: " ").first ?? "")
  }

  /// `bondperf inspect --json` (and its text) in the client namespace.
  static func inspect(bond: String = "bond0") throws -> (json: [String: Any], text: String) {
    let json = try RealBondLab.run(
      RealBondLab.client + [TestbedSupport.binary, "inspect", bond, "--json"])
    try #require(json.status == 0, "inspect --json failed: \(json.stdout) \(json.stderr)")
    let text = try RealBondLab.run(RealBondLab.client + [TestbedSupport.binary, "inspect", bond])
    try #require(text.status == 0, "inspect failed: \(text.stderr)")
    return (try TestbedSupport.json(json.stdout), text.stdout)
  }

  /// `inspect` with the driver's files read just before and just after it, retried
  /// until both readings agree (LACP state machines move under TCG's slow clock), with
  /// each slave's sysfs `ad_actor_oper_port_state`.
  static func stableInspect(slaves: [String]) throws -> (
    json: [String: Any], text: String, files: RealBondFiles, actorStates: [String: Int]
  ) {
    // Each slave's actor state, and the partner's (under "NAME partner"): sysfs, which
    // is what inspect reads; both must hold still across the inspect.
    func states() throws -> [String: Int] {
      var states: [String: Int] = [:]
      for name in slaves {
        states[name] = Int(
          try sysfs("/sys/class/net/\(name)/bonding_slave/ad_actor_oper_port_state"))
        states[name + " partner"] = Int(
          try sysfs("/sys/class/net/\(name)/bonding_slave/ad_partner_oper_port_state"))
      }
      return states
    }
    for _ in 0..<10 {
      let before = try read()
      let statesBefore = try states()
      let (json, text) = try inspect()
      let after = try read()
      let statesAfter = try states()
      if before == after && statesBefore == statesAfter {
        return (json, text, after, statesAfter)
      }
      Thread.sleep(forTimeInterval: 0.3)
    }
    Issue.record("the driver's files never held still across an inspect")
    let (json, text) = try inspect()
    return (json, text, try read(), try states())
  }

  /// Polls `condition` on fresh readings of the proc file for up to `seconds`.
  static func wait(
    seconds: Double, in ns: [String] = RealBondLab.client,
    until condition: (RealBondFiles) -> Bool
  ) throws -> RealBondFiles {
    let deadline = Date().addingTimeInterval(seconds)
    var files = try read(in: ns)
    while !condition(files) && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.5)
      files = try read(in: ns)
    }
    return files
  }

  /// Runs `ip` in a namespace and requires it to succeed.
  static func ip(_ arguments: [String], in ns: String = RealBondLab.clientNS) throws {
    let output = try RealBondLab.run(["ip", "-n", ns] + arguments)
    try #require(
      output.status == 0, "ip -n \(ns) \(arguments.joined(separator: " ")): \(output.stderr)")
  }
}
