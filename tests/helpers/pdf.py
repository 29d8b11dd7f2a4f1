"""What the app prints: PDF text, and the QR codes on its pages."""


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader would copy it."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_qr_codes(data: bytes) -> list[str]:
    """What the QR codes on the PDF's pages say, read from the pages drawn as images
    (as a phone camera would see the printed sheet)."""
    import pypdfium2
    import zxingcpp

    found = []
    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=3).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    document.close()
    return found
