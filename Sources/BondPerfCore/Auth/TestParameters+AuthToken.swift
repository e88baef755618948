extension TestParameters {
  /// The parameters' `authtoken`: iperf3's RSA-encrypted credentials, base64
  /// (``ClientAuthentication``). Kept among ``extraKeys``, where the decoder
  /// puts it; setting it replaces any there, setting nil removes it.
  public var authToken: String? {
    get {
      extraKeys.last { $0.0.lowercased() == "authtoken" }?.1.stringValue
    }
    set {
      extraKeys.removeAll { $0.0.lowercased() == "authtoken" }
      if let newValue { extraKeys.append(("authtoken", .string(newValue))) }
    }
  }
}
