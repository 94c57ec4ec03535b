using Microsoft.CodeAnalysis;

namespace Ppl.Generators
{
    /// <summary>The diagnostics of the Ppl generator (ids PPL0001…), listed in docs/ARCHITECTURE.md.</summary>
    public static class PplDiagnostics
    {
        private const string Category = "Ppl.Modeling";

        /// <summary>
        /// Where the help pages live: each diagnostic's help link is this base followed by <c>PPLxxxx.md</c>, one page
        /// per id under <c>docs/diagnostics/</c> of the repository (listed in docs/diagnostics/README.md). The link is
        /// relative to the repository root because the project has no published address yet; when it has one, make
        /// this the absolute address of that folder (for instance
        /// <c>https://github.com/OWNER/REPO/blob/main/docs/diagnostics/</c>) and nothing else changes.
        /// <c>DiagnosticDocsTests</c> checks that every descriptor's link is this base plus an existing page.
        /// </summary>
        public const string HelpLinkBase = "docs/diagnostics/";

        /// <summary>Two sites on one path use the same static address.</summary>
        public static readonly DiagnosticDescriptor DuplicateAddress = new DiagnosticDescriptor(
            "PPL0001", "Duplicate static address",
            "The address '{0}' is used by another site of model '{1}' on the same path; a run would use it twice",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0001.md");

        /// <summary>An address inside a loop that does not depend on the loop.</summary>
        public static readonly DiagnosticDescriptor LoopAddress = new DiagnosticDescriptor(
            "PPL0002", "Address in a loop does not depend on the loop variable",
            "The address '{0}' is inside a loop but does not depend on the loop variable; every iteration uses the same address (add the index: Sample(d, \"{0}\", i))",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0002.md");

        /// <summary>Randomness or time that escapes the trace.</summary>
        public static readonly DiagnosticDescriptor UntracedRandomness = new DiagnosticDescriptor(
            "PPL0003", "Randomness outside the trace",
            "'{0}' in model '{1}' is random or time-dependent but not traced, so scores, replays and inference are wrong; use Sample",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0003.md");

        /// <summary>A sample whose value is thrown away.</summary>
        public static readonly DiagnosticDescriptor DiscardedSample = new DiagnosticDescriptor(
            "PPL0004", "Sample result discarded",
            "The result of Sample is discarded: to condition on data, pass the data to the model and use Observe(distribution, value, address); to keep a choice whose value is not used, write _ = Sample(…)",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0004.md");

        /// <summary>A [Model] method the generator cannot handle.</summary>
        public static readonly DiagnosticDescriptor UnsupportedSignature = new DiagnosticDescriptor(
            "PPL0005", "Unsupported [Model] signature",
            "[Model] method '{0}' cannot be generated: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0005.md");

        /// <summary>A constant distribution parameter outside its domain.</summary>
        public static readonly DiagnosticDescriptor ParameterOutOfDomain = new DiagnosticDescriptor(
            "PPL0006", "Distribution parameter outside its domain",
            "Parameter '{0}' of {1} is {2}, outside its domain ({3})",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0006.md");

        /// <summary>A site whose address cannot be inferred.</summary>
        public static readonly DiagnosticDescriptor NoAddress = new DiagnosticDescriptor(
            "PPL0007", "Address cannot be inferred",
            "{0} here is not assigned to a local, so its address cannot be inferred; pass an explicit address as its last argument",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0007.md");

        /// <summary>The model runs through the dynamic tracer.</summary>
        public static readonly DiagnosticDescriptor DynamicFallback = new DiagnosticDescriptor(
            "PPL0008", "Model runs through the dynamic tracer",
            "Model '{0}' runs through the dynamic tracer (slower, same results) because of {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0008.md");

        /// <summary>The generator failed on a model (a bug: please report it).</summary>
        public static readonly DiagnosticDescriptor GeneratorFailure = new DiagnosticDescriptor(
            "PPL0009", "The model generator failed",
            "The Ppl generator failed on model '{0}' and generated nothing for it: {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0009.md");

        /// <summary>The model's SMC runs by replay: its body is not lowered to a resumable state machine (SPEC M7).</summary>
        public static readonly DiagnosticDescriptor ReplayFallback = new DiagnosticDescriptor(
            "PPL0010", "SMC on the model replays from a recorded prefix",
            "SMC on model '{0}' replays the model from its start at every observation (O(T²)) instead of resuming it, because of {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0010.md");

        /// <summary>The model has no batched (tensor) form, and which construct stops it (see BatchedLowering).</summary>
        public static readonly DiagnosticDescriptor NoBatchedForm = new DiagnosticDescriptor(
            "PPL0011", "Model has no batched form",
            "Model '{0}' gets no batched (tensor) form because of {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0011.md");

        /// <summary>The model has no differentiable form, and which construct stops it (see DifferentiableLowering).</summary>
        public static readonly DiagnosticDescriptor NoDifferentiableForm = new DiagnosticDescriptor(
            "PPL0012", "Model has no differentiable form",
            "Model '{0}' gets no differentiable form (exact gradients for NUTS, HMC, MALA) because of {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "PPL0012.md");

        internal static DiagnosticDescriptor? ById(string id)
        {
            switch (id)
            {
                case "PPL0001": return DuplicateAddress;
                case "PPL0002": return LoopAddress;
                case "PPL0003": return UntracedRandomness;
                case "PPL0004": return DiscardedSample;
                case "PPL0005": return UnsupportedSignature;
                case "PPL0006": return ParameterOutOfDomain;
                case "PPL0007": return NoAddress;
                case "PPL0008": return DynamicFallback;
                case "PPL0009": return GeneratorFailure;
                case "PPL0010": return ReplayFallback;
                case "PPL0011": return NoBatchedForm;
                case "PPL0012": return NoDifferentiableForm;
                default: return null;
            }
        }
    }
}
