// The system OpenSSL libcrypto (Debian libssl-dev), as one Swift module.
// Deprecation markers off: unblock_sha256 below uses the low-level SHA-256 on purpose.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* SHA-256 of a short input on a stack context. EVP_Digest allocates a context, dispatches
   through the provider and wipes and frees the context every time: for the 40 to 60 bytes
   hashed per call here (session tokens, challenges), several times the cost of the hash.
   The default provider runs this same code underneath. */
static inline void unblock_sha256(const void *data, size_t count, unsigned char digest[32]) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, data, count);
    SHA256_Final(digest, &context);
}
