import COpenSSL

/// An RSA private key from a PEM file (`--rsa-private-key-path`), which
/// decrypts the clients' authentication tokens.
///
/// OpenSSL's keys may be used from several threads at once; each operation
/// makes its own context.
public final class RSAPrivateKey: @unchecked Sendable {
  private let key: OpaquePointer
  /// The file it came from.
  public let path: String

  /// Loads the unencrypted key in the file at `path` (`openssl genrsa`'s output).
  public init(path: String) throws(AuthError) {
    key = try PEMFile.load(.privateKey, path: path)
    self.path = path
  }

  /// The key in `pem`; `path` names it in errors.
  public init(pem: [UInt8], path: String) throws(AuthError) {
    key = try PEMFile.parse(.privateKey, pem: pem, path: path)
    self.path = path
  }

  deinit { EVP_PKEY_free(key) }

  /// The key's size in bytes.
  public var size: Int { Int(EVP_PKEY_get_size(key)) }

  /// `ciphertext` decrypted with `padding`; nil when it doesn't decrypt (another
  /// key, another padding, or not a ciphertext at all).
  public func decrypt(_ ciphertext: [UInt8], padding: RSAPadding) -> [UInt8]? {
    ERR_clear_error()
    defer { ERR_clear_error() }
    guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return nil }
    defer { EVP_PKEY_CTX_free(context) }
    guard EVP_PKEY_decrypt_init(context) == 1,
      EVP_PKEY_CTX_set_rsa_padding(context, padding.openSSLValue) == 1
    else { return nil }
    var output = [UInt8](repeating: 0, count: max(size, 1))
    var length = output.count
    let status = output.withUnsafeMutableBufferPointer { out in
      ciphertext.withUnsafeBufferPointer { input in
        EVP_PKEY_decrypt(context, out.baseAddress, &length, input.baseAddress, input.count)
      }
    }
    guard status == 1 else { return nil }
    return Array(output.prefix(length))
  }
}
