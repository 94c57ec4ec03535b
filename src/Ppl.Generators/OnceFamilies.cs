using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>
    /// Proves, where it can, that an observation or choice in a loop visits each of its addresses at most once per run, so
    /// that the handler may skip the address, the slot lookup and the duplicate check (<c>ObserveOnce</c>, <c>SampleOnce</c>). The proof is
    /// syntactic and deliberately narrow; anything it does not recognise keeps the recorded path:
    /// <list type="bullet">
    /// <item>the site's address is <c>("name", i)</c>: a literal and a local <c>int</c>;</item>
    /// <item>no other site can produce an address that starts with <c>"name"</c>: none names it (as a family or a static
    /// address), and none has a first segment computed at run time;</item>
    /// <item><c>i</c> is the only variable declared by a <c>for</c> loop that is the only loop around the site (so the loop
    /// runs at most once per run and the site at most once per iteration), whose single step is <c>i++</c> (or <c>i--</c>)
    /// under a condition <c>i &lt; e</c> (or <c>i &gt; e</c>) compared as <c>int</c> (so <c>i</c> cannot wrap around);</item>
    /// <item><c>i</c> is not written, nor taken by reference, in the loop's body or condition;</item>
    /// <item>the model has no <c>goto</c> or label (which could run the site or the loop again).</item>
    /// </list>
    /// Then the values of <c>i</c> at the site's visits are strictly monotone, hence distinct.
    /// </summary>
    internal static class OnceFamilies
    {
        /// <summary>The handler numbers families in a 64-bit mask.</summary>
        private const int MaxFamilies = 64;

        public static void Prove(SemanticModel model, SyntaxNode body, IReadOnlyList<Site> sites, CancellationToken ct)
        {
            if (body.DescendantNodesAndSelf().Any(n => n is GotoStatementSyntax || n is LabeledStatementSyntax)) return;
            var addressed = sites.Where(s => s.Kind != SiteKind.Factor && s.Kind != SiteKind.Param).ToList();
            // A first segment computed at run time could be any name.
            if (addressed.Any(s => s.StaticName == null && s.FamilyName == null)) return;
            var next = 0;
            foreach (var s in addressed)
            {
                ct.ThrowIfCancellationRequested();
                if (s.Kind != SiteKind.Observe && s.Kind != SiteKind.Sample || s.FamilyName == null || s.AddressCount != 2) continue;
                if (addressed.Any(o => o != s && (o.FamilyName == s.FamilyName || o.StaticName == s.FamilyName))) continue;
                if (!IndexedByOwnLoop(model, body, s, ct)) continue;
                if (next == MaxFamilies) return;
                s.OnceFamily = next++;
            }
        }

        private static ExpressionSyntax Strip(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e;
        }

        private static bool IndexedByOwnLoop(SemanticModel model, SyntaxNode body, Site s, CancellationToken ct)
        {
            if (!(s.Args[s.AddressStart + 1] is { } indexArg) || !(Strip(indexArg) is IdentifierNameSyntax id)) return false;
            if (!(model.GetSymbolInfo(id, ct).Symbol is ILocalSymbol v) || v.Type.SpecialType != SpecialType.System_Int32 || v.IsRef) return false;
            ForStatementSyntax? loop = null;
            for (var n = s.Node.Parent; n != null && n != body; n = n.Parent)
            {
                if (n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax || n is QueryExpressionSyntax) return false;
                if (n is ForStatementSyntax || n is ForEachStatementSyntax || n is WhileStatementSyntax || n is DoStatementSyntax)
                {
                    if (loop != null || !(n is ForStatementSyntax f)) return false; // a second loop would run the site again with the same index
                    loop = f;
                }
            }
            if (loop == null || !loop.Statement.Span.Contains(s.Node.Span)) return false;
            if (loop.Declaration == null || loop.Declaration.Variables.Count != 1 || loop.Initializers.Count != 0) return false;
            if (!SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(loop.Declaration.Variables[0], ct), v)) return false;
            if (loop.Incrementors.Count != 1 || loop.Condition == null) return false;
            var step = Step(model, loop.Incrementors[0], v, ct);
            if (step == 0 || !Bounded(model, loop.Condition, v, step, ct)) return false;
            return !Written(model, loop.Statement, v, ct) && !Written(model, loop.Condition, v, ct);
        }

        private static bool Is(SemanticModel model, ExpressionSyntax e, ILocalSymbol v, CancellationToken ct) =>
            Strip(e) is IdentifierNameSyntax id && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, ct).Symbol, v);

        /// <summary>+1 for <c>i++</c>, <c>++i</c>, <c>i += 1</c>; −1 for the decrements; 0 for anything else.</summary>
        private static int Step(SemanticModel model, ExpressionSyntax e, ILocalSymbol v, CancellationToken ct)
        {
            switch (e)
            {
                case PostfixUnaryExpressionSyntax p when Is(model, p.Operand, v, ct):
                    return p.IsKind(SyntaxKind.PostIncrementExpression) ? 1 : p.IsKind(SyntaxKind.PostDecrementExpression) ? -1 : 0;
                case PrefixUnaryExpressionSyntax p when Is(model, p.Operand, v, ct):
                    return p.IsKind(SyntaxKind.PreIncrementExpression) ? 1 : p.IsKind(SyntaxKind.PreDecrementExpression) ? -1 : 0;
                case AssignmentExpressionSyntax a when Is(model, a.Left, v, ct) && model.GetConstantValue(a.Right, ct) is { HasValue: true, Value: int one } && one == 1:
                    return a.IsKind(SyntaxKind.AddAssignmentExpression) ? 1 : a.IsKind(SyntaxKind.SubtractAssignmentExpression) ? -1 : 0;
                default:
                    return 0;
            }
        }

        /// <summary>
        /// True for <c>i &lt; e</c> (or <c>e &gt; i</c>) when stepping up, <c>i &gt; e</c> (or <c>e &lt; i</c>) when stepping down,
        /// compared as <c>int</c>: then the step never wraps around, so no value of <c>i</c> comes back.
        /// </summary>
        private static bool Bounded(SemanticModel model, ExpressionSyntax condition, ILocalSymbol v, int step, CancellationToken ct)
        {
            if (!(Strip(condition) is BinaryExpressionSyntax b)) return false;
            ExpressionSyntax other;
            if (Is(model, b.Left, v, ct) && b.IsKind(step > 0 ? SyntaxKind.LessThanExpression : SyntaxKind.GreaterThanExpression)) other = b.Right;
            else if (Is(model, b.Right, v, ct) && b.IsKind(step > 0 ? SyntaxKind.GreaterThanExpression : SyntaxKind.LessThanExpression)) other = b.Left;
            else return false;
            // A user-defined or lifted operator, or a wider comparison (long, double), could let i wrap around.
            return model.GetSymbolInfo(b, ct).Symbol is IMethodSymbol op && op.MethodKind == MethodKind.BuiltinOperator
                && op.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32)
                && model.GetTypeInfo(other, ct).ConvertedType?.SpecialType == SpecialType.System_Int32;
        }

        /// <summary>Whether <paramref name="region"/> may write <paramref name="v"/>: assigned (data flow), or taken by reference.</summary>
        private static bool Written(SemanticModel model, SyntaxNode region, ILocalSymbol v, CancellationToken ct)
        {
            try
            {
                var flow = region is ExpressionSyntax e ? model.AnalyzeDataFlow(e) : model.AnalyzeDataFlow((StatementSyntax)region);
                if (flow == null || !flow.Succeeded || flow.WrittenInside.Contains(v, SymbolEqualityComparer.Default)) return true;
            }
            catch (System.ArgumentException)
            {
                return true; // no data flow: assume the worst
            }
            foreach (var id in region.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.ValueText != v.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, ct).Symbol, v)) continue;
                SyntaxNode use = id;
                while (use.Parent is ParenthesizedExpressionSyntax) use = use.Parent;
                if (use.Parent is RefExpressionSyntax || use.Parent is MakeRefExpressionSyntax
                    || use.Parent is ArgumentSyntax a && !a.RefKindKeyword.IsKind(SyntaxKind.None)
                    || use.Parent is PrefixUnaryExpressionSyntax u && u.IsKind(SyntaxKind.AddressOfExpression))
                    return true;
            }
            return false;
        }
    }
}
