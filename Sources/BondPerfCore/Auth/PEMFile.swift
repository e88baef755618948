import COpenSSL
import Foundation

/// Reads a PEM key file into an OpenSSL `EVP_PKEY`, as iperf3 does
/// (`PEM_read_bio_PUBKEY`, `PEM_read_bio_PrivateKey`, no passphrase).
enum PEMFile {
  enum Kind {
    case publicKey
    case privateKey
  }

  /// The key in the file at `path`; the caller frees it with `EVP_PKEY_free`.
  static func load(_ kind: Kind, path: String) throws(AuthError) -> OpaquePointer {
    let bytes: [UInt8]
    do {
      bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw .unreadableFile(path: path, reason: error.localizedDescription)
    }
    return try parse(kind, pem: bytes, path: path)
  }

  /// The key in `pem`; `path` only names it in errors.
  static func parse(_ kind: Kind, pem: [UInt8], path: String) throws(AuthError) -> OpaquePointer {
    ERR_clear_error()
    let key: OpaquePointer? = pem.withUnsafeBytes { raw in
      guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else {
        return nil
      }
      defer { BIO_free(bio) }
      switch kind {
      case .publicKey: return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
      case .privateKey: return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
      }
    }
    guard let key else {
      let detail = OpenSSLErrors.drain(fallback: "no key found")
      switch kind {
      case .publicKey: throw .notAPublicKey(path: path, detail: detail)
      case .privateKey: throw .notAPrivateKey(path: path, detail: detail)
      }
    }
    guard EVP_PKEY_is_a(key, "RSA") == 1 else {
      EVP_PKEY_free(key)
      throw .notRSA(path: path)
    }
    return key
  }
}
