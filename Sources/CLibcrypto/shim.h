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
#include <string.h>

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

/* HMAC-SHA-1 of a short message with a key of at most 64 bytes (RFC 2104), on stack
   contexts: OpenSSL 3's HMAC() looks the MAC and the digest up by name at every call,
   several times the cost of the two hashes a one-time code takes. */
static inline void unblock_hmac_sha1(const unsigned char *key, size_t keyLength, const unsigned char *data,
                                     size_t count, unsigned char mac[20]) {
    unsigned char pad[64];
    unsigned char inner[20];
    SHA_CTX context;
    for (int pass = 0; pass < 2; pass++) {
        memset(pad, pass == 0 ? 0x36 : 0x5c, sizeof pad);
        for (size_t index = 0; index < keyLength && index < sizeof pad; index++) pad[index] ^= key[index];
        SHA1_Init(&context);
        SHA1_Update(&context, pad, sizeof pad);
        if (pass == 0) {
            SHA1_Update(&context, data, count);
            SHA1_Final(inner, &context);
        } else {
            SHA1_Update(&context, inner, sizeof inner);
            SHA1_Final(mac, &context);
        }
    }
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(inner, sizeof inner);
}

#include <string.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* The name a client certificate gives its app: its first DNS subject alternative name, or
   else its subject's (last) common name; copied into `out` (NUL-terminated). Returns the
   name's length, 0 when the certificate has none or does not parse, -1 when it does not fit.
   In C because OpenSSL's stacks are macros and GENERAL_NAME a union. */
static inline int unblock_certificate_name(const unsigned char *der, long length, char *out, size_t capacity) {
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(NULL, &cursor, length);
    if (certificate == NULL) return 0;
    const unsigned char *name = NULL;
    int count = 0;
    GENERAL_NAMES *alternatives = X509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
    for (int index = 0; alternatives != NULL && index < sk_GENERAL_NAME_num(alternatives); index++) {
        GENERAL_NAME *alternative = sk_GENERAL_NAME_value(alternatives, index);
        if (alternative->type == GEN_DNS) {
            name = ASN1_STRING_get0_data(alternative->d.dNSName);
            count = ASN1_STRING_length(alternative->d.dNSName);
            break;
        }
    }
    unsigned char *common = NULL;
    if (name == NULL) {
        X509_NAME *subject = X509_get_subject_name(certificate);
        int last = -1;
        for (int next = -1; (next = X509_NAME_get_index_by_NID(subject, NID_commonName, next)) >= 0;) last = next;
        if (last >= 0) {
            count = ASN1_STRING_to_UTF8(&common, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last)));
            name = common;
        }
    }
    int result = 0;
    if (name != NULL && count > 0) {
        if ((size_t)count >= capacity) {
            result = -1;
        } else {
            memcpy(out, name, (size_t)count);
            out[count] = 0;
            result = count;
        }
    }
    OPENSSL_free(common);
    GENERAL_NAMES_free(alternatives);
    X509_free(certificate);
    return result;
}
