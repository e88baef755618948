import COpenSSL

/// An RSA public key from a PEM file (`--rsa-public-key-path`), which encrypts
/// the client's authentication token.
///
/// OpenSSL's keys may be used from several threads at once; each operation
/// makes its own context.
public final class RSAPublicKey: @unchecked Sendable {
  private let key: OpaquePointer
  /// The file it came from.
  public let path: String

  /// Loads the key in the file at `path` (`-----BEGIN PUBLIC KEY-----`).
  public init(path: String) throws(AuthError) {
    key = try PEMFile.load(.publicKey, path: path)
    self.path = path
  }

  /// The key in `pem`; `path` names it in errors.
  public init(pem: [UInt8], path: String) throws(AuthError) {
    key = try PEMFile.parse(.publicKey, pem: pem, path: path)
    self.path = path
  }

  deinit { EVP_PKEY_free(key) }

  /// The key's size in bytes (the length of every ciphertext).
  public var size: Int { Int(EVP_PKEY_get_size(key)) }

  /// The most plaintext bytes one encryption takes with `padding`.
  public func maximumPlaintext(_ padding: RSAPadding) -> Int { size - padding.overhead }

  /// `plaintext` encrypted with `padding`.
  public func encrypt(_ plaintext: [UInt8], padding: RSAPadding) throws(AuthError) -> [UInt8] {
    let maximum = maximumPlaintext(padding)
    guard plaintext.count <= maximum else {
      throw .tooLong(bytes: plaintext.count, maximum: maximum, padding: padding)
    }
    ERR_clear_error()
    guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
      throw .encryptionFailed(detail: OpenSSLErrors.drain(fallback: "no context"))
    }
    defer { EVP_PKEY_CTX_free(context) }
    guard EVP_PKEY_encrypt_init(context) == 1,
      EVP_PKEY_CTX_set_rsa_padding(context, padding.openSSLValue) == 1
    else {
      throw .encryptionFailed(detail: OpenSSLErrors.drain(fallback: "cannot set \(padding)"))
    }
    var output = [UInt8](repeating: 0, count: size)
    var length = output.count
    let status = output.withUnsafeMutableBufferPointer { out in
      plaintext.withUnsafeBufferPointer { input in
        EVP_PKEY_encrypt(context, out.baseAddress, &length, input.baseAddress, input.count)
      }
    }
    guard status == 1 else {
      throw .encryptionFailed(detail: OpenSSLErrors.drain(fallback: "EVP_PKEY_encrypt failed"))
    }
    return Array(output.prefix(length))
  }
}
