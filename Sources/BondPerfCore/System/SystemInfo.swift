import Foundation

/// The host description iperf3 prints as `system_info` (uname's fields).
enum SystemInfo {
  static func describe() -> String {
    func read(_ name: String) -> String {
      let text = (try? String(contentsOfFile: "/proc/sys/kernel/" + name, encoding: .utf8)) ?? ""
      return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #if arch(x86_64)
      let machine = "x86_64"
    #elseif arch(arm64)
      let machine = "aarch64"
    #else
      let machine = "unknown"
    #endif
    return [read("ostype"), read("hostname"), read("osrelease"), read("version"), machine]
      .filter { !$0.isEmpty }.joined(separator: " ")
  }

  static func timestamp() -> Double { Date().timeIntervalSince1970 }
}
