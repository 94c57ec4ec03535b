using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>
    /// Decides whether a specialised model is straight-line, the shape of Gen's static modeling language: every site
    /// is a static <c>double</c>, <c>int</c> or <c>bool</c> choice declared as a top-level local (<c>var x = Sample(d);</c>) or a static
    /// scalar observation as a top-level statement (<c>Observe(d, v, "y");</c>), each slot used once, with one
    /// of Ppl's own scalar distributions; the other top-level statements hold no site, and the body ends in its only
    /// <c>return</c>. Such a body visits every site exactly once in program order, whatever the values, so assess
    /// and regenerate can run it as plain code over the trace's arrays (<see cref="Emitter"/>'s straight-line
    /// forms) with no handler, no visit bookkeeping and no per-site call. Site arguments that write or declare a
    /// variable, a preprocessor directive inside a copied span, and names starting with <c>__</c> (the generated
    /// code's own) also disqualify a body (see the helpers below). Anything else gives null: the model
    /// keeps its handler body for every operation (not a fallback anyone needs to hear about, so no diagnostic).
    /// </summary>
    internal static class StraightLineLowering
    {
        public static StraightLineData? Lower(SemanticModel model, SyntaxNode body, IReadOnlyList<Site> sites, CancellationToken ct)
        {
            if (!(body is BlockSyntax block) || sites.Count == 0) return null;
            if (UsesReservedName(block)) return null;
            var bodyStart = body.SpanStart;
            var slots = new HashSet<int>();
            var siteOf = new Dictionary<StatementSyntax, int>();
            var localOf = new Dictionary<StatementSyntax, VariableDeclaratorSyntax>();
            for (var i = 0; i < sites.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var s = sites[i];
                if (s.Kind != SiteKind.Sample && s.Kind != SiteKind.Observe) return null;
                if (s.StaticName == null || s.Slot < 0 || !slots.Add(s.Slot) || !IsScalarValue(s.ValueType)) return null;
                if (s.Args.Length == 0 || s.Args[0] == null || !IsPplScalar(model.GetTypeInfo(s.Args[0]!, ct).Type)) return null;
                if (s.Kind == SiteKind.Observe && (s.Args.Length < 2 || s.Args[1] == null)) return null;
                if (s.Args.Any(a => a != null && (HasEffectOrDeclaration(a) || HasDirective(a)))) return null;
                if (s.Kind == SiteKind.Sample)
                {
                    if (!(s.Node.Parent is EqualsValueClauseSyntax eq && eq.Parent is VariableDeclaratorSyntax v && v.Parent is VariableDeclarationSyntax d
                          && d.Variables.Count == 1 && d.Parent is LocalDeclarationStatementSyntax ld && ld.Parent == block
                          && ld.Modifiers.Count == 0 && ld.UsingKeyword.IsKind(SyntaxKind.None) && ld.AwaitKeyword.IsKind(SyntaxKind.None)))
                        return null;
                    siteOf[ld] = i;
                    localOf[ld] = v;
                }
                else
                {
                    if (!(s.Node.Parent is ExpressionStatementSyntax es && es.Parent == block)) return null;
                    siteOf[es] = i;
                }
            }

            var steps = new List<StraightLineStep>();
            var statements = block.Statements;
            if (statements.Count == 0 || !(statements[statements.Count - 1] is ReturnStatementSyntax last) || last.Expression == null) return null;
            for (var j = 0; j < statements.Count; j++)
            {
                var st = statements[j];
                SpanData Rel(SyntaxNode n) => new SpanData(n.SpanStart - bodyStart, n.Span.Length);
                if (siteOf.TryGetValue(st, out var site))
                {
                    if (sites[site].Kind == SiteKind.Observe)
                    {
                        steps.Add(new StraightLineStep(StraightStepKind.Observe, site, Rel(st), "", ""));
                        continue;
                    }
                    var v = localOf[st];
                    if (!(model.GetDeclaredSymbol(v, ct) is ILocalSymbol local) || local.Type.TypeKind == TypeKind.Error) return null;
                    steps.Add(new StraightLineStep(StraightStepKind.Sample, site, Rel(st), v.Identifier.ToString(), local.Type.ToDisplayString(ModelBuilder.TypeFormat)));
                }
                else if (st == last)
                {
                    if (Escapes(last.Expression) || HasDirective(last.Expression)) return null;
                    steps.Add(new StraightLineStep(StraightStepKind.Return, -1, Rel(last.Expression), "", ""));
                }
                else
                {
                    if (Escapes(st) || HasDirective(st)) return null;
                    steps.Add(new StraightLineStep(StraightStepKind.Text, -1, Rel(st), "", ""));
                }
            }
            return new StraightLineData(steps.ToEquatableArray());
        }

        /// <summary>
        /// True when the body or the model's parameters use a name that starts with <c>__</c>: the straight-line
        /// methods declare their own locals and parameters so (<c>__sc</c>, <c>__x0</c>, <c>__l</c>, <c>__d</c>,
        /// <c>__values</c>, <c>__rng</c>, …), and the user's statements are pasted among them, where such a name would
        /// not compile or, worse, would silently mean the generated local instead of the user's field.
        /// </summary>
        private static bool UsesReservedName(BlockSyntax block)
        {
            if (block.Parent is BaseMethodDeclarationSyntax m)
                foreach (var p in m.ParameterList.Parameters)
                    if (p.Identifier.ValueText.StartsWith("__", System.StringComparison.Ordinal)) return true;
            foreach (var t in block.DescendantTokens())
                if (t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText.StartsWith("__", System.StringComparison.Ordinal)) return true;
            return false;
        }

        /// <summary>
        /// True when an argument of a site writes a variable or declares one (an assignment, <c>++</c>/<c>--</c>, an
        /// <c>out</c> or <c>ref</c> argument, <c>out var</c>, a pattern variable). The straight-line regenerate does not
        /// evaluate a kept site's distribution (nor an observation's value) whose inputs did not change, where the
        /// handler body always evaluates them, so a write there would be skipped (<c>Normal(k++, 1)</c>); and the
        /// straight-line code puts the arguments in nested blocks, where a variable they declare would go out of scope
        /// for the statements after the site. Calls into other code are always re-evaluated (the dependency analysis
        /// marks them), so only these syntactic writes matter.
        /// </summary>
        private static bool HasEffectOrDeclaration(SyntaxNode argument)
        {
            foreach (var n in argument.DescendantNodesAndSelf())
            {
                switch (n)
                {
                    case AssignmentExpressionSyntax _:
                    case DeclarationExpressionSyntax _:
                    case VariableDesignationSyntax _:
                    case RefExpressionSyntax _:
                        return true;
                    case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression):
                        return true;
                    case PostfixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PostIncrementExpression) || u.IsKind(SyntaxKind.PostDecrementExpression):
                        return true;
                    case ArgumentSyntax a when !a.RefKindKeyword.IsKind(SyntaxKind.None) && !a.RefKindKeyword.IsKind(SyntaxKind.InKeyword):
                        return true;
                }
            }
            return false;
        }

        /// <summary>
        /// True when a preprocessor directive lies inside the node's span (not in its leading trivia): the straight-line
        /// code copies the span alone, and an <c>#if</c> there may be closed outside it (unbalanced in the copy).
        /// </summary>
        private static bool HasDirective(SyntaxNode node)
        {
            if (!node.ContainsDirectives) return false;
            foreach (var t in node.DescendantTrivia())
                if (t.IsDirective && node.Span.Contains(t.Span)) return true;
            return false;
        }

        /// <summary>
        /// True when a statement could leave the straight line: a return (outside lambdas and local functions, whose
        /// returns are their own), a goto or label, or a local function (whose body the lowering does not rewrite).
        /// </summary>
        private static bool Escapes(SyntaxNode statement)
        {
            foreach (var n in statement.DescendantNodesAndSelf(d => !(d is AnonymousFunctionExpressionSyntax)))
            {
                switch (n)
                {
                    case ReturnStatementSyntax _:
                    case GotoStatementSyntax _:
                    case LabeledStatementSyntax _:
                    case LocalFunctionStatementSyntax _:
                        return true;
                }
            }
            return false;
        }

        /// <summary>The value types a trace stores unboxed (as doubles, with a tag): what the straight-line code reads and writes.</summary>
        internal static bool IsScalarValue(string valueType) => valueType == "double" || valueType == "int" || valueType == "bool";

        /// <summary>One of Ppl's own scalar distribution structs, which check their parameters in Sample and LogDensity.</summary>
        private static bool IsPplScalar(ITypeSymbol? t) =>
            t != null && t.IsValueType && t.TypeKind == TypeKind.Struct && t.ContainingAssembly?.Name == "Ppl"
            && t.ContainingNamespace?.ToDisplayString() == "Ppl.Distributions";
    }
}
