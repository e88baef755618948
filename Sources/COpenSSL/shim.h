#ifndef BONDPERF_COPENSSL_SHIM_H
#define BONDPERF_COPENSSL_SHIM_H

// The parts of the system's OpenSSL libcrypto (Debian: libssl-dev) that
// iperf3's authentication needs: PEM keys, RSA encryption with OAEP or
// PKCS#1 v1.5 padding through EVP, SHA-256, and error strings.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#endif
