"""Error hierarchy. Every error the secretariat can see derives from
:class:`KinerjaError`, which carries an exit code, a short machine code, and a
message written for a clerk: what is wrong and what to do (modelled on OCRmyPDF's
``ExitCode`` errors)."""
from __future__ import annotations


class KinerjaError(Exception):
    """Base error. ``code``: stable identifier stored in the warehouse;
    ``exit_code``: process exit status when it ends a command; ``transient``:
    True when retrying the same input may succeed (locks, killed subprocesses)."""

    code = "error"
    exit_code = 1
    transient = False
    advice = "Periksa berkas ini lalu kirim ulang. / Check the file and submit it again."

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def user_text(self) -> str:
        """Plain text for ``<name>.reason.txt``: what happened and what to do."""
        lines = [self.message, "", f"What to do: {self.advice}"]
        if self.detail:
            lines += ["", f"Technical detail: {self.detail}"]
        return "\n".join(lines) + "\n"


class InputFileError(KinerjaError):
    """The file itself cannot be used; sending the same bytes again will fail again."""

    code = "input_error"
    exit_code = 2


class EmptyFileError(InputFileError):
    code = "empty_file"
    advice = "The file has no content (0 bytes). Copy it again from the original source or scan the paper again."


class UnsupportedFileTypeError(InputFileError):
    code = "unsupported_type"
    advice = ("Only PDF, JPEG, PNG and TIFF files can be read. Save or scan the document as PDF "
              "(or take a photo as JPEG) and put it in the inbox again.")


class CorruptFileError(InputFileError):
    code = "corrupt_file"
    advice = ("The file is damaged or incomplete (often an interrupted download or copy). "
              "Copy it again from the original source, or ask the unit to send it again.")


class EncryptedPdfError(InputFileError):
    code = "encrypted_pdf"
    advice = ("The PDF is protected with a password. Ask the unit for a copy without a password "
              "(or print it to a new PDF) and put that in the inbox.")


class ImageUnreadableError(InputFileError):
    code = "image_unreadable"
    advice = "Scan the page again at 200-300 dpi, or take a sharper photo of the whole sheet, and submit it again."


class TooLargeError(InputFileError):
    code = "too_large"
    advice = ("The image is too large to process safely. Scan at 300 dpi (an A4 page is about "
              "2,500 x 3,500 pixels) and submit it again.")


class NoPagesError(InputFileError):
    code = "no_pages"
    advice = "The document has no pages. Export or scan it again."


class ReaderCrashedError(InputFileError):
    """Reading the file brought its worker process down twice, the second time
    alone: the file makes a PDF or image library crash."""

    code = "reader_crashed"
    advice = ("The file makes the reading software crash. Open it on a computer and save or print it "
              "to a new PDF (or scan the paper again), then put the new file in the inbox.")


class UnsafeInputError(InputFileError):
    code = "unsafe_input"
    advice = "Put the real file (not a shortcut or link) into the inbox."


class TransientError(KinerjaError):
    """A failure that may pass: a locked file, a killed OCR process."""

    code = "transient"
    exit_code = 75  # EX_TEMPFAIL
    transient = True
    advice = "Nothing to do: the file stays and is tried again on the next run."


class ConfigurationError(KinerjaError):
    code = "configuration"
    exit_code = 78  # EX_CONFIG
    advice = "Check the command-line options and the KINERJA_* environment variables."


class DependencyMissingError(KinerjaError):
    code = "dependency_missing"
    exit_code = 69  # EX_UNAVAILABLE
    advice = "Run `make run` once (it installs Tesseract and the Indonesian language data), then try again."


class IndicatorFileError(KinerjaError):
    """The secretariat's indicator file cannot be read (wrong columns, bad values)."""

    code = "indicator_file_error"
    exit_code = 2
    advice = ("Fix the indicator file (see the README section 'Indicator file' for its columns) "
              "and import it again.")
