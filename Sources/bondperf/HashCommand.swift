import ArgumentParser
import BondPerfCore
import Foundation

extension Bondperf {
  struct Hash: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compute the bond slave of flows read from standard input.",
      discussion: """
        Each input line is one flow,
        POLICY NSLAVES SRCMAC DSTMAC SRCIP DSTIP PROTO SPORT DPORT
        for example
        layer3+4 4 02:00:00:00:00:01 02:00:00:00:00:02 10.0.0.1 10.0.0.2 tcp 40000 5201
        POLICY is an xmit_hash_policy (layer2, layer2+3, layer3+4, encap2+3, encap3+4,
        vlan+srcmac) or balance-rr. For icmp and icmpv6, SPORT and DPORT are the ICMP
        type and echo id. Each answer line is the 0-based index into the usable slaves
        (balance-xor and 802.3ad: hash % NSLAVES), or "unpredictable: <reason>".
        Blank lines and lines starting with # are echoed as they are.
        """)

    @Option(help: "Model this kernel's hash variant (X.Y); default: the running kernel.")
    var kernel: KernelVersion?

    func run() throws {
      let kernel = try KernelOption.resolve(kernel)
      var output = ""
      output.reserveCapacity(1 << 16)
      var badLines = 0
      var lineNumber = 0
      while let line = readLine(strippingNewline: true) {
        lineNumber += 1
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.isEmpty || trimmed.hasPrefix("#") {
          output += line
          output += "\n"
          continue
        }
        do {
          let flow = try FlowLine(parsing: trimmed, kernel: kernel)
          output += flow.answer
          output += "\n"
        } catch {
          badLines += 1
          output += "error\n"
          StandardStreams.writeError("bondperf hash: line \(lineNumber): \(error)\n")
        }
        if output.utf8.count >= 1 << 16 {
          StandardStreams.writeOutput(output)
          output.removeAll(keepingCapacity: true)
        }
      }
      StandardStreams.writeOutput(output)
      if badLines > 0 {
        throw ExitCode(1)
      }
    }
  }
}
