import COpenSSL

/// OpenSSL's thread-local error queue, as text for an error message.
enum OpenSSLErrors {
  /// The queued errors, oldest first, joined with "; " (then cleared);
  /// `fallback` when the queue is empty.
  static func drain(fallback: String) -> String {
    var messages: [String] = []
    while true {
      let code = ERR_get_error()
      guard code != 0 else { break }
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      let text = buffer.withUnsafeBufferPointer { pointer in
        pointer.baseAddress.map { String(cString: $0) } ?? ""
      }
      messages.append(text)
    }
    return messages.isEmpty ? fallback : messages.joined(separator: "; ")
  }
}
