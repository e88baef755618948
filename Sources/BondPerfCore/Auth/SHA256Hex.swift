import COpenSSL

/// SHA-256 as 64 lowercase hex digits, as iperf3's `sha256()` prints it.
public enum SHA256Hex {
  public static func digest(_ bytes: [UInt8]) -> String {
    var hash = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    _ = bytes.withUnsafeBufferPointer { input in
      hash.withUnsafeMutableBufferPointer { out in
        SHA256(input.baseAddress, input.count, out.baseAddress)
      }
    }
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(hash.count * 2)
    for byte in hash {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  public static func digest(_ text: String) -> String { digest(Array(text.utf8)) }
}
