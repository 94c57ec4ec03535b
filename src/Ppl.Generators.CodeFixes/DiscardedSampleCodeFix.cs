using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators.CodeFixes
{
    /// <summary>
    /// Fixes PPL0004 (a Sample whose value is thrown away) when the latent choice is wanted, by making the
    /// discard explicit: <c>Sample(d, "y");</c> becomes <c>_ = Sample(d, "y");</c>. (When the intent was to
    /// condition on data, the fix is Observe with the data, which only the user can supply.)
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DiscardedSampleCodeFix)), Shared]
    public sealed class DiscardedSampleCodeFix : CodeFixProvider
    {
        /// <summary>The title of the fix.</summary>
        public const string Title = "Keep the choice without using its value (_ = Sample(…))";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(FixIds.DiscardedSample);

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
                // Without an explicit address, '_ =' would leave no name to infer: only fix explicit addresses.
                if (!(invocation?.Parent is ExpressionStatementSyntax statement) || invocation.ArgumentList.Arguments.Count < 2) continue;
                if (!(model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is IMethodSymbol m) ||
                    m.Name != "Sample" || m.ContainingType?.ToDisplayString() != FixIds.EffectsType) continue;
                var assignment = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression,
                        SyntaxFactory.IdentifierName("_").WithLeadingTrivia(invocation.GetLeadingTrivia()),
                        SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                        invocation.WithoutLeadingTrivia());
                var updated = statement.WithExpression(assignment);
                context.RegisterCodeFix(
                    CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, updated))), equivalenceKey: "PplDiscardSample"),
                    diagnostic);
            }
        }
    }
}
