using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>
    /// Finds, among the compile errors of a model body, a use of a name that this generator produces
    /// (<c>SubModel</c>, <c>SubFunction</c>, <c>SubChoices</c>, <c>SubTrace</c>, <c>SubMetadata</c> of a
    /// [Model] method <c>Sub</c>). The generator runs on the compilation without its own output, so such a body
    /// does not bind and gets no code; yet the final compilation has those names, so without a diagnostic
    /// the model would be dropped silently.
    /// </summary>
    internal static class GeneratedNameUse
    {
        private static readonly string[] Suffixes = { "Model", "Function", "Choices", "Trace", "Metadata" };

        private static readonly HashSet<string> NameErrors = new HashSet<string>
        {
            "CS0103", // the name does not exist in the current context
            "CS0117", // the type does not contain a definition
            "CS0246", // the type or namespace could not be found
            "CS1061", // no accessible member
        };

        /// <summary>The first such name and where it is used, or null.</summary>
        public static (string Name, Location Location)? Find(SemanticModel model, IEnumerable<Diagnostic> errors, CancellationToken ct)
        {
            var root = model.SyntaxTree.GetRoot(ct);
            foreach (var e in errors)
            {
                if (!NameErrors.Contains(e.Id) || !e.Location.IsInSource || e.Location.SourceTree != model.SyntaxTree) continue;
                var node = root.FindNode(e.Location.SourceSpan, getInnermostNodeForTie: true);
                var name = (node as SimpleNameSyntax ?? node.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().LastOrDefault())?.Identifier.ValueText;
                if (name == null) continue;
                foreach (var suffix in Suffixes)
                {
                    if (name.Length <= suffix.Length || !name.EndsWith(suffix, System.StringComparison.Ordinal)) continue;
                    var prefix = name.Substring(0, name.Length - suffix.Length);
                    if (model.Compilation.GetSymbolsWithName(prefix, SymbolFilter.Member, ct).OfType<IMethodSymbol>().Any(IsModel))
                        return (name, e.Location);
                }
            }
            return null;
        }

        private static bool IsModel(IMethodSymbol m) => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Ppl.Modeling.ModelAttribute");
    }
}
