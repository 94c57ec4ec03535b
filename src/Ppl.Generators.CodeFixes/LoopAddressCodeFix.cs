using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators.CodeFixes
{
    /// <summary>
    /// Fixes PPL0002 (an address inside a loop that does not depend on the loop) by adding the loop
    /// variables to the address: <c>var y = Sample(d);</c> in <c>for (var i …)</c> becomes
    /// <c>var y = Sample(d, "y", i);</c>, and <c>Sample(d, "y")</c> becomes <c>Sample(d, "y", i)</c>, one
    /// segment per enclosing loop the address ignores, outermost first. No fix is offered when a loop has no
    /// variable that can be an address segment (an int or a string: e.g. a while loop, a foreach over
    /// doubles) or when the effect has no overload with that many segments.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LoopAddressCodeFix)), Shared]
    public sealed class LoopAddressCodeFix : CodeFixProvider
    {
        /// <summary>The title of the fix; {0} lists the variables added.</summary>
        public const string Title = "Add the loop variable to the address ({0})";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(FixIds.LoopAddress);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
                if (invocation == null) continue;
                var fixedInvocation = Fix(invocation, model, context.CancellationToken, out var added);
                if (fixedInvocation == null) continue;
                var title = string.Format(CultureInfo.InvariantCulture, Title, string.Join(", ", added));
                context.RegisterCodeFix(
                    CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, fixedInvocation))),
                        equivalenceKey: "PplAddLoopVariable"),
                    diagnostic);
            }
        }

        /// <summary>The invocation with the loop variables appended to its address, or null when there is no clean fix.</summary>
        private static InvocationExpressionSyntax? Fix(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken ct, out List<string> added)
        {
            added = new List<string>();
            if (!(model.GetSymbolInfo(invocation, ct).Symbol is IMethodSymbol method) || method.ContainingType?.ToDisplayString() != FixIds.EffectsType) return null;
            int fixedArgs, maxSegments;
            switch (method.Name)
            {
                case "Sample": fixedArgs = 1; maxSegments = 3; break;
                case "Observe": fixedArgs = 2; maxSegments = 2; break;
                case "Call": fixedArgs = 2; maxSegments = 2; break;
                default: return null;
            }
            var args = invocation.ArgumentList.Arguments;
            if (args.Any(a => a.NameColon != null || !a.RefKindKeyword.IsKind(SyntaxKind.None)) || args.Count < fixedArgs) return null;
            var segmentType = model.Compilation.GetTypeByMetadataName(FixIds.AddressSegmentType);
            if (segmentType == null) return null;

            // The address as it is: explicit segments, or the inferred name of the assigned local.
            var address = args.Skip(fixedArgs).Select(a => a.Expression).ToList();
            var newSegments = new List<ExpressionSyntax>();
            if (address.Count == 0)
            {
                var name = InferredName(invocation);
                if (name == null) return null;
                newSegments.Add(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name)));
            }
            else if (!address.All(a => IsSegment(model.GetTypeInfo(a, ct).Type, segmentType, model)))
                return null;   // e.g. a whole Address object: the user knows better where the index goes

            var used = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var a in address)
                foreach (var id in a.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                    if (model.GetSymbolInfo(id, ct).Symbol is { } s) used.Add(s);

            var body = invocation.Ancestors().FirstOrDefault(n => n is MethodDeclarationSyntax || n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax);
            var loops = invocation.Ancestors().TakeWhile(n => n != body).Where(IsLoop).Cast<StatementSyntax>().Reverse().ToList();
            foreach (var loop in loops)
            {
                if (DependsOn(loop, used, model, ct)) continue;
                var variable = LoopVariable(loop, model, ct);
                if (variable == null || !IsSegment(variable.Type, segmentType, model)) return null;
                added.Add(variable.Name);
                newSegments.Add(SyntaxFactory.IdentifierName(variable.Name));
            }
            if (added.Count == 0 || address.Count + newSegments.Count > maxSegments) return null;

            var separator = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
            var list = args;
            foreach (var e in newSegments) list = list.Add(SyntaxFactory.Argument(e));
            var withSeparators = SyntaxFactory.SeparatedList(list, Enumerable.Repeat(separator, list.Count - 1));
            return invocation.WithArgumentList(invocation.ArgumentList.WithArguments(withSeparators));
        }

        private static bool IsLoop(SyntaxNode n) => n is ForStatementSyntax || n is ForEachStatementSyntax || n is WhileStatementSyntax || n is DoStatementSyntax;

        private static bool IsSegment(ITypeSymbol? type, INamedTypeSymbol segment, SemanticModel model) =>
            type != null && type.TypeKind != TypeKind.Error &&
            (SymbolEqualityComparer.Default.Equals(type, segment) || model.Compilation.ClassifyConversion(type, segment).IsImplicit);

        /// <summary>As the generator decides: the address uses a variable declared by the loop or written inside it.</summary>
        private static bool DependsOn(StatementSyntax loop, HashSet<ISymbol> used, SemanticModel model, CancellationToken ct)
        {
            if (used.Count == 0) return false;
            var declared = LoopVariable(loop, model, ct);
            if (declared != null && used.Contains(declared)) return true;
            if (loop is ForStatementSyntax f && f.Declaration != null)
                foreach (var v in f.Declaration.Variables)
                    if (model.GetDeclaredSymbol(v, ct) is { } s && used.Contains(s)) return true;
            try
            {
                var flow = model.AnalyzeDataFlow(loop);
                if (flow != null && flow.Succeeded && flow.WrittenInside.Any(used.Contains)) return true;
            }
            catch (System.ArgumentException)
            {
                // No data flow for this statement: the declared variables decided.
            }
            return false;
        }

        private static ILocalSymbol? LoopVariable(StatementSyntax loop, SemanticModel model, CancellationToken ct)
        {
            if (loop is ForEachStatementSyntax fe) return model.GetDeclaredSymbol(fe, ct);
            if (loop is ForStatementSyntax f && f.Declaration != null && f.Declaration.Variables.Count > 0)
                return model.GetDeclaredSymbol(f.Declaration.Variables[0], ct) as ILocalSymbol;
            return null;
        }

        /// <summary>The local an effect's result is assigned to: the address the generator inferred.</summary>
        private static string? InferredName(InvocationExpressionSyntax invocation)
        {
            SyntaxNode n = invocation;
            while (n.Parent is ParenthesizedExpressionSyntax) n = n.Parent;
            if (n.Parent is EqualsValueClauseSyntax ev && ev.Parent is VariableDeclaratorSyntax vd && vd.Identifier.ValueText != "_") return vd.Identifier.ValueText;
            if (n.Parent is AssignmentExpressionSyntax a && a.IsKind(SyntaxKind.SimpleAssignmentExpression) && a.Right == n &&
                a.Left is IdentifierNameSyntax id && id.Identifier.ValueText != "_")
                return id.Identifier.ValueText;
            return null;
        }
    }
}
