// Pages as text: every value escaped, one layout, no inline script or style (the CSP forbids both).

/// Escaping for text and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        // Most values (serials, names, labels) have nothing to escape: they are returned as they are.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var escaped = [UInt8]()
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: escaped.append(contentsOf: "&amp;".utf8)
            case 0x3C: escaped.append(contentsOf: "&lt;".utf8)
            case 0x3E: escaped.append(contentsOf: "&gt;".utf8)
            case 0x22: escaped.append(contentsOf: "&quot;".utf8)
            case 0x27: escaped.append(contentsOf: "&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// A whole page in `text`'s language: `body` is HTML already escaped where it holds values.
    static func page(
        title: String, text: Catalogue, signedInAs name: String? = nil, csrf: String? = nil, body: String
    ) -> String {
        let header =
            if let name, let csrf {
                """
                <header><span>\(escape(name))</span>
                <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(escape(csrf))">
                <button type="submit">\(escape(text[.pageLogOut]))</button></form></header>
                """
            } else {
                "<header><span>\(escape(text[.pageBrand]))</span></header>"
            }
        return """
            <!doctype html>
            <html lang="\(escape(text.language))"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title><link rel="stylesheet" href="/style.css"></head>
            <body>\(header)<main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }

    /// A message in words, as an alert (screen readers announce it).
    static func message(_ text: String) -> String { "<p class=\"message\" role=\"alert\">\(escape(text))</p>" }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fff;line-height:1.5}
        header{display:flex;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#0b3d91;color:#fff}
        header form{margin:0}main{max-width:40rem;margin:0 auto;padding:1rem}
        label{display:block;margin-top:1rem;font-weight:600}
        input{font-size:1.1rem;padding:.5rem;width:100%;box-sizing:border-box}
        button,a.button{display:inline-block;margin-top:1rem;font:inherit;font-size:1.1rem;line-height:1.5;padding:.5rem 1rem;background:#0b3d91;color:#fff;border:0;border-radius:.25rem;text-decoration:none}
        a.secondary{background:#555}
        .hint{color:#444;font-size:.9rem;margin:.25rem 0 0}
        .qr svg{width:100%;max-width:18rem;height:auto}
        .message{border-left:.3rem solid #b00020;padding:.5rem;background:#fdecee}
        #response{font-family:ui-monospace,monospace;font-size:2rem;letter-spacing:.1rem;word-spacing:.5rem;background:#eef3ff;padding:1rem}
        table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}
        """
}
