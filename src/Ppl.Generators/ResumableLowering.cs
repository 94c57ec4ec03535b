using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>
    /// Lowers a specialised model body into a resumable state machine (SPEC M7): the locals that live at the
    /// lowered level and the parameters become fields, and every statement that contains an Observe/Factor
    /// (a pause) is flattened into labels and gotos at the top of the step method (C# forbids a goto into a
    /// nested block), so that each pause can be followed by <c>State = n; return false; __Ln:;</c> and resumed
    /// through a switch on the state. Statements without a pause are kept as they are (rewritten: sites,
    /// locals renamed to fields, break/continue of lowered loops as gotos, returns that store the value).
    /// Covered: straight-line code, blocks, if/else, for, while and do loops (nested), Sample/Observe/Factor
    /// sites with static addresses and families.
    /// <para>
    /// A Sample may be observed (values given as a choice map), and then it is a pause where the replay form pauses: right
    /// after it, before anything else draws. So the body is first lowered with a conditional pause after every statement
    /// holding a Sample (<c>if (__h.PauseAfterSample()) { State = n; return false; } __Pn:;</c>), which needs each Sample to
    /// be the only effect of an expression statement or local declaration, outside lambdas. Where that fails the body is
    /// lowered as before, with pauses at Observe/Factor only, and the reason is kept (observed values then replay); so a
    /// model that lowered before still lowers.
    /// </para> Anything else that holds a pause, and calls, local functions,
    /// goto and labels, variables declared inside expressions at the lowered level, or locals of mutable
    /// reference types, make the model fall back to replay (diagnostic PPL0010 names the construct).
    /// </summary>
    internal sealed class ResumableLowering
    {
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly SyntaxNode _body;
        private readonly int _bodyStart;
        private readonly CancellationToken _ct;
        private readonly HashSet<SyntaxNode> _pauses = new HashSet<SyntaxNode>();
        private readonly HashSet<SyntaxNode> _samplePauses = new HashSet<SyntaxNode>();
        private readonly bool _pauseAtSamples;
        private readonly HashSet<SyntaxNode> _holdsPause = new HashSet<SyntaxNode>();
        private readonly HashSet<SyntaxNode> _lowered = new HashSet<SyntaxNode>();
        private readonly Dictionary<ISymbol, string> _fieldNames = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
        private readonly List<ResumableField> _fields = new List<ResumableField>();
        private readonly List<ResumablePiece> _pieces = new List<ResumablePiece>();
        private readonly Dictionary<SyntaxNode, (string Break, string Continue)> _loops = new Dictionary<SyntaxNode, (string, string)>();
        private readonly HashSet<SyntaxNode> _deconstructed = new HashSet<SyntaxNode>();
        private int _labels;
        private int _pauseCount;

        private ResumableLowering(SemanticModel model, IMethodSymbol method, SyntaxNode body, CancellationToken ct, bool pauseAtSamples)
        {
            _pauseAtSamples = pauseAtSamples;
            _model = model;
            _method = method;
            _body = body;
            _bodyStart = body.SpanStart;
            _ct = ct;
        }

        /// <summary>The lowered form, or the reason (and where) it cannot be lowered.</summary>
        public static (ResumableData Data, Location? Where) Lower(SemanticModel model, IMethodSymbol method, SyntaxNode body,
            IEnumerable<(InvocationExpressionSyntax Node, SiteKind Kind)> sites, CancellationToken ct)
        {
            var list = sites.ToList();
            string observations;
            try
            {
                return (new ResumableLowering(model, method, body, ct, pauseAtSamples: true).Run(list, null), null);
            }
            catch (NotLowered e)
            {
                observations = e.Reason;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                observations = $"a construct the lowering failed on ({e.GetType().Name}: {e.Message})";
            }
            // Without pauses at Sample sites: the state machine of Observe/Factor pauses only (observed values replay).
            var l = new ResumableLowering(model, method, body, ct, pauseAtSamples: false);
            try
            {
                return (l.Run(list, observations), null);
            }
            catch (NotLowered e)
            {
                var empty = new ResumableData(e.Reason, default, default, default, 0, e.Reason);
                return (empty, e.Where);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                // A failure of the lowering must not cost the model its generated code: it runs by replay instead.
                var reason = $"a construct the lowering failed on ({e.GetType().Name}: {e.Message})";
                return (new ResumableData(reason, default, default, default, 0, reason), null);
            }
        }

        private sealed class NotLowered : Exception
        {
            public NotLowered(string reason, SyntaxNode? where) : base(reason)
            {
                Reason = reason;
                Where = where?.GetLocation();
            }

            public string Reason { get; }
            public Location? Where { get; }
        }

        private static NotLowered Fail(string reason, SyntaxNode? where) => new NotLowered(reason, where);

        private ResumableData Run(List<(InvocationExpressionSyntax Node, SiteKind Kind)> sites, string? observationsReason)
        {
            foreach (var (node, kind) in sites)
            {
                if (kind == SiteKind.Call || kind == SiteKind.ModelCall)
                    throw Fail("a call to another model or generative function (observations inside it cannot pause the caller)", node);
                if (kind == SiteKind.Sample && _pauseAtSamples) SamplePause(node, sites);
                if (kind != SiteKind.Observe && kind != SiteKind.Factor) continue;
                if (!(node.Parent is ExpressionStatementSyntax st)) throw Fail("an Observe/Factor that is not a statement of its own", node);
                _pauses.Add(st);
                for (SyntaxNode? n = st; n != null && n != _body.Parent; n = n.Parent) _holdsPause.Add(n);
            }
            foreach (var n in _body.DescendantNodesAndSelf())
            {
                _ct.ThrowIfCancellationRequested();
                switch (n)
                {
                    case LocalFunctionStatementSyntax _: throw Fail("a local function", n);
                    case GotoStatementSyntax _: throw Fail("a goto statement", n);
                    case LabeledStatementSyntax _: throw Fail("a labeled statement", n);
                }
            }

            for (var i = 0; i < _method.Parameters.Length; i++)
            {
                var p = _method.Parameters[i];
                var name = "__a_" + p.Name;
                _fieldNames[p] = name;
                _fields.Add(new ResumableField(Type(p.Type), name, i, false));
            }

            if (_body is BlockSyntax block)
            {
                foreach (var s in block.Statements) Lower(s);
                _pieces.Add(new ResumablePiece("return true;\n", 0, 0));
            }
            else
            {
                _pieces.Add(new ResumablePiece("Return = (", 0, 0));
                _pieces.Add(Range(_body));
                _pieces.Add(new ResumablePiece("); return true;\n", 0, 0));
            }
            CheckDesignations();
            CheckParameterWrites();
            return new ResumableData(null, _fields.ToEquatableArray(), _pieces.ToEquatableArray(), Edits().ToEquatableArray(), _pauseCount, observationsReason);
        }

        /// <summary>
        /// Marks the statement of a Sample site for a conditional pause after it. The replay form pauses right after an
        /// observed Sample, before any later draw or score: pausing after the statement is the same only when the Sample is
        /// the statement's one effect (what follows it there is plain computation) and the statement is one the lowering
        /// can follow by a label at the lowered level (an expression statement or a local declaration, not inside a lambda,
        /// a condition or a loop header).
        /// </summary>
        private void SamplePause(InvocationExpressionSyntax site, List<(InvocationExpressionSyntax Node, SiteKind Kind)> sites)
        {
            if (InsideFunction(site)) throw Fail("a Sample inside a lambda", site);
            var st = site.Ancestors().TakeWhile(a => a != _body).OfType<StatementSyntax>().FirstOrDefault();
            if (st == null) throw Fail("a Sample in an expression-bodied model", site);
            if (!(st is ExpressionStatementSyntax) && !(st is LocalDeclarationStatementSyntax))
                throw Fail($"a Sample that is not a statement of its own (inside a {st.Kind()})", site);
            foreach (var (other, _) in sites)
                if (other != site && st.Span.Contains(other.Span))
                    throw Fail("a statement with a Sample and another effect", site);
            _samplePauses.Add(st);
            for (SyntaxNode? n = st; n != null && n != _body.Parent; n = n.Parent) _holdsPause.Add(n);
        }

        /// <summary>What a construct holds that makes it pause, for the reasons (a Sample too, in the lowering for observed values).</summary>
        private string Paused => _pauseAtSamples ? "a Sample, Observe or Factor" : "an observe or factor";

        /// <summary>After a Sample statement: stop here when the Sample was observed (the handler says), else run on.</summary>
        private void ConditionalPause()
        {
            var n = ++_pauseCount;
            Code($"if (__h.PauseAfterSample()) {{ State = {n}; return false; }}\n__P{n}:;\n");
        }

        private string Label() => "__L" + (++_labels);

        private void Code(string text) => _pieces.Add(new ResumablePiece(text, 0, 0));

        private ResumablePiece Range(SyntaxNode n) => new ResumablePiece(null, n.SpanStart - _bodyStart, n.Span.End - _bodyStart);

        private void Expression(string prefix, ExpressionSyntax e, string suffix)
        {
            Code(prefix);
            _pieces.Add(Range(e));
            Code(suffix);
        }

        private void Lower(StatementSyntax s)
        {
            _ct.ThrowIfCancellationRequested();
            _lowered.Add(s);
            if (s is LocalDeclarationStatementSyntax decl)
            {
                Declare(decl.Declaration, decl);
                if (decl.IsConst || !decl.UsingKeyword.IsKind(SyntaxKind.None) || decl.Declaration.Type is RefTypeSyntax)
                    throw Fail("a const, using or ref local declaration at the level of an observe", decl);
                foreach (var v in decl.Declaration.Variables)
                    if (v.Initializer != null) Expression(_fieldNames[Declared(v)] + " = ", v.Initializer.Value, ";\n");
                if (_samplePauses.Contains(decl)) ConditionalPause();
                return;
            }
            if (s is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: DeclarationExpressionSyntax dx } da }
                && dx.Designation is ParenthesizedVariableDesignationSyntax pd && pd.Variables.All(v => v is SingleVariableDesignationSyntax))
            {
                // var (a, b) = e;  →  (field_a, field_b) = e;
                var names = new List<string>();
                foreach (SingleVariableDesignationSyntax v in pd.Variables)
                {
                    var local = _model.GetDeclaredSymbol(v, _ct) as ILocalSymbol ?? throw Fail("a local whose symbol is unknown", v);
                    CheckType(local.Type, local.Name, v);
                    var name = "__v" + _fields.Count + "_" + local.Name;
                    _fieldNames[local] = name;
                    _fields.Add(new ResumableField(Type(local.Type), name, -1, local.Type is IArrayTypeSymbol));
                    _deconstructed.Add(v);
                    names.Add(name);
                }
                Expression("(" + string.Join(", ", names) + ") = ", da.Right, ";\n");
                if (_samplePauses.Contains(s)) ConditionalPause();
                return;
            }
            if (!_holdsPause.Contains(s))
            {
                _pieces.Add(Range(s));
                Code("\n");
                return;
            }
            switch (s)
            {
                case BlockSyntax b:
                    foreach (var x in b.Statements) Lower(x);
                    return;
                case ExpressionStatementSyntax e when _pauses.Contains(e):
                {
                    _pieces.Add(Range(e));
                    var n = ++_pauseCount;
                    Code($"\nState = {n}; return false;\n__P{n}:;\n");
                    return;
                }
                case ExpressionStatementSyntax e when _samplePauses.Contains(e):
                    _pieces.Add(Range(e));
                    Code("\n");
                    ConditionalPause();
                    return;
                case IfStatementSyntax i:
                {
                    var otherwise = Label();
                    var end = Label();
                    Expression("if (!(", i.Condition, $")) goto {otherwise};\n");
                    Lower(i.Statement);
                    Code($"goto {end};\n{otherwise}:;\n");
                    if (i.Else != null) Lower(i.Else.Statement);
                    Code($"{end}:;\n");
                    return;
                }
                case WhileStatementSyntax w:
                {
                    var top = Label();
                    var end = Label();
                    _loops[w] = (end, top);
                    Code($"{top}:;\n");
                    Expression("if (!(", w.Condition, $")) goto {end};\n");
                    Lower(w.Statement);
                    Code($"goto {top};\n{end}:;\n");
                    return;
                }
                case DoStatementSyntax d:
                {
                    var top = Label();
                    var next = Label();
                    var end = Label();
                    _loops[d] = (end, next);
                    Code($"{top}:;\n");
                    Lower(d.Statement);
                    Code($"{next}:;\n");
                    Expression("if (", d.Condition, $") goto {top};\n{end}:;\n");
                    return;
                }
                case ForStatementSyntax f:
                {
                    var top = Label();
                    var next = Label();
                    var end = Label();
                    _loops[f] = (end, next);
                    if (f.Declaration != null)
                    {
                        if (f.Declaration.Type is RefTypeSyntax) throw Fail("a ref local declared by a for loop that holds an observe", f);
                        Declare(f.Declaration, f);
                        foreach (var v in f.Declaration.Variables)
                            if (v.Initializer != null) Expression(_fieldNames[Declared(v)] + " = ", v.Initializer.Value, ";\n");
                    }
                    foreach (var init in f.Initializers) Expression("", init, ";\n");
                    Code($"{top}:;\n");
                    if (f.Condition != null) Expression("if (!(", f.Condition, $")) goto {end};\n");
                    Lower(f.Statement);
                    Code($"{next}:;\n");
                    foreach (var inc in f.Incrementors) Expression("", inc, ";\n");
                    Code($"goto {top};\n{end}:;\n");
                    return;
                }
                case ForEachStatementSyntax _:
                case ForEachVariableStatementSyntax _:
                    throw Fail($"a foreach loop that holds {Paused} (use a for loop over an index)", s);
                case SwitchStatementSyntax _:
                    throw Fail($"a switch statement that holds {Paused}", s);
                case TryStatementSyntax _:
                    throw Fail($"a try statement that holds {Paused}", s);
                case UsingStatementSyntax _:
                    throw Fail($"a using statement that holds {Paused}", s);
                case LockStatementSyntax _:
                    throw Fail($"a lock statement that holds {Paused}", s);
                default:
                    throw Fail($"a {s.Kind()} that holds {Paused}", s);
            }
        }

        private ILocalSymbol Declared(VariableDeclaratorSyntax v) =>
            _model.GetDeclaredSymbol(v, _ct) as ILocalSymbol ?? throw Fail("a local whose symbol is unknown", v);

        /// <summary>Locals declared at the lowered level become fields, named uniquely (C# lets sibling blocks reuse a name).</summary>
        private void Declare(VariableDeclarationSyntax d, SyntaxNode where)
        {
            foreach (var v in d.Variables)
            {
                var local = Declared(v);
                var t = local.Type;
                CheckType(t, local.Name, v);
                var name = "__v" + _fields.Count + "_" + local.Name;
                _fieldNames[local] = name;
                _fields.Add(new ResumableField(Type(t), name, -1, t is IArrayTypeSymbol));
            }
        }

        /// <summary>
        /// A local that lives across pauses must be copyable by a clone: value types are copied, arrays are
        /// copied element by element (nested arrays too), strings, delegates and immutable types are shared.
        /// A mutable object (a List, a class instance) would be shared between clones, so it is refused.
        /// </summary>
        private void CheckType(ITypeSymbol t, string local, SyntaxNode where)
        {
            if (t.IsRefLikeType) throw Fail($"the local '{local}' of ref struct type '{t.ToDisplayString()}' at the level of an observe", where);
            if (t.IsAnonymousType || t.TypeKind == TypeKind.Error || t.TypeKind == TypeKind.TypeParameter || t.TypeKind == TypeKind.Pointer)
                throw Fail($"the local '{local}' of type '{t.ToDisplayString()}' that a field cannot hold", where);
            if (!Clonable(t))
                throw Fail($"the local '{local}' of mutable reference type '{t.ToDisplayString()}' (clones would share it; only value types, arrays, strings and immutable types are copied or shared safely)", where);
        }

        private static bool Clonable(ITypeSymbol t)
        {
            if (t is IArrayTypeSymbol a) return a.ElementType.IsValueType || Clonable(a.ElementType);
            if (t is INamedTypeSymbol n && n.IsTupleType) return n.TupleElements.All(e => Clonable(e.Type));
            if (t is INamedTypeSymbol nv && nv.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return Clonable(nv.TypeArguments[0]);
            if (t.IsValueType) return true;
            if (t.SpecialType == SpecialType.System_String) return true;
            if (t.TypeKind == TypeKind.Delegate) return true;
            var ns = t.ContainingNamespace?.ToDisplayString() ?? "";
            if (ns == "System.Collections.Immutable" || ns == "Ppl" || ns == "Ppl.Distributions") return true;
            if (t.Name == "Tensor" && ns.StartsWith("TorchSharp", StringComparison.Ordinal)) return true;
            return false;
        }

        /// <summary>A variable declared inside an expression at the lowered level would be a local of the step method and lost at a pause.</summary>
        private void CheckDesignations()
        {
            foreach (var d in _body.DescendantNodes().OfType<SingleVariableDesignationSyntax>())
            {
                // A pattern variable of a switch-expression arm is scoped to the arm.
                if (InsideFunction(d) || _deconstructed.Contains(d) || d.Ancestors().Any(a => a is SwitchExpressionArmSyntax)) continue;
                var st = d.Ancestors().OfType<StatementSyntax>().FirstOrDefault();
                if (st != null && _lowered.Contains(st) && !(st is BlockSyntax))
                    throw Fail($"the variable '{d.Identifier.ValueText}' declared inside an expression at the level of an observe", d);
            }
        }

        /// <summary>Arguments are shared between clones, so the body must not write into them.</summary>
        private void CheckParameterWrites()
        {
            foreach (var n in _body.DescendantNodes())
            {
                var target = LoweringSyntax.WriteTarget(n);
                var element = false;
                while (target is ElementAccessExpressionSyntax ea)
                {
                    target = ea.Expression;
                    element = true;
                }
                if (element && target is IdentifierNameSyntax id
                    && _model.GetSymbolInfo(id, _ct).Symbol is IParameterSymbol p2 && SymbolEqualityComparer.Default.Equals(p2.ContainingSymbol, _method))
                    throw Fail($"a write into the argument array '{p2.Name}' (arguments are shared between clones)", n);
            }
        }

        private bool InsideFunction(SyntaxNode n)
        {
            for (var p = n.Parent; p != null && p != _body; p = p.Parent)
                if (p is AnonymousFunctionExpressionSyntax || p is LocalFunctionStatementSyntax) return true;
            return false;
        }

        private IEnumerable<ResumableEdit> Edits()
        {
            foreach (var n in _body.DescendantNodesAndSelf())
            {
                switch (n)
                {
                    case IdentifierNameSyntax id:
                    {
                        var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                        if (sym == null) break;
                        if (!_fieldNames.TryGetValue(sym, out var field))
                        {
                            // A static member named simply (a helper of the model's class, a using static import) is
                            // qualified: inside the state machine a member of ResumableExecution (Score, Clone, State…)
                            // with the same name would hide it.
                            if (sym.IsStatic && sym.ContainingType != null && !(sym is ITypeSymbol) && !(sym is INamespaceSymbol)
                                && (sym is IMethodSymbol || sym is IFieldSymbol || sym is IPropertySymbol || sym is IEventSymbol)
                                && !(id.Parent is MemberAccessExpressionSyntax ma && ma.Name == id) && !(id.Parent is QualifiedNameSyntax)
                                && !(id.Parent is NameColonSyntax) && !(id.Parent is NameEqualsSyntax) && !(id.Parent is MemberBindingExpressionSyntax)
                                && !(sym is IMethodSymbol { MethodKind: MethodKind.LocalFunction }))
                                yield return Edit(id, Type(sym.ContainingType) + "." + id.Identifier.Text);
                            break;
                        }
                        var prefix = field;
                        // Names a tuple element or anonymous member takes from the identifier must not change.
                        if (id.Parent is ArgumentSyntax arg && arg.NameColon == null && arg.Parent is TupleExpressionSyntax tuple && InfersName(tuple, id.Identifier.ValueText))
                            prefix = id.Identifier.ValueText + ": " + field;
                        else if (id.Parent is AnonymousObjectMemberDeclaratorSyntax m && m.NameEquals == null)
                            prefix = id.Identifier.ValueText + " = " + field;
                        yield return Edit(id, prefix);
                        break;
                    }
                    case BreakStatementSyntax br when Target(br, isBreak: true) is { } loop:
                        yield return Edit(br, "goto " + _loops[loop].Break + ";");
                        break;
                    case ContinueStatementSyntax co when Target(co, isBreak: false) is { } loop:
                        yield return Edit(co, "goto " + _loops[loop].Continue + ";");
                        break;
                    case ReturnStatementSyntax ret when !InsideFunction(ret) && ret.Expression != null:
                        yield return new ResumableEdit(ret.SpanStart - _bodyStart, ret.Span.Length, "{ Return = (",
                            ret.Expression.SpanStart - _bodyStart, ret.Expression.Span.End - _bodyStart, "); return true; }");
                        break;
                }
            }
        }

        private ResumableEdit Edit(SyntaxNode n, string text) => new ResumableEdit(n.SpanStart - _bodyStart, n.Span.Length, text, -1, -1, "");

        /// <summary>The lowered loop a break/continue leaves, or null when it targets a loop or switch kept as it is.</summary>
        private SyntaxNode? Target(StatementSyntax s, bool isBreak)
        {
            for (var p = s.Parent; p != null && p != _body; p = p.Parent)
            {
                if (p is AnonymousFunctionExpressionSyntax || p is LocalFunctionStatementSyntax) return null;
                if (p is ForStatementSyntax || p is WhileStatementSyntax || p is DoStatementSyntax || p is ForEachStatementSyntax || p is ForEachVariableStatementSyntax
                    || (isBreak && p is SwitchStatementSyntax))
                    return _loops.ContainsKey(p) ? p : null;
            }
            return null;
        }

        private static string Type(ITypeSymbol t) => t.ToDisplayString(ModelBuilder.TypeFormat);

        /// <summary>
        /// Whether C# infers the element name <paramref name="name"/> for a tuple element written as that identifier:
        /// not when another element has (or would infer) the same name, nor for the names a tuple reserves
        /// (<c>Item1</c>… elsewhere, <c>Rest</c>, <c>ToString</c>…). Writing the name explicitly there would not compile.
        /// </summary>
        private static bool InfersName(TupleExpressionSyntax tuple, string name)
        {
            // The left of a deconstruction, `(k, _) = …`, has no element names, and writing one there is an error (CS8187).
            if (IsDeconstructionTarget(tuple)) return false;
            if (name == "Rest" || name == "ToString" || name == "GetHashCode" || name == "Equals" || name == "CompareTo" || name == "Deconstruct"
                || (name.StartsWith("Item", System.StringComparison.Ordinal) && name.Length > 4)) return false;
            var count = 0;
            foreach (var a in tuple.Arguments)
            {
                var n = a.NameColon?.Name.Identifier.ValueText ?? a.Expression switch
                {
                    IdentifierNameSyntax i => i.Identifier.ValueText,
                    MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                    _ => null,
                };
                if (n == name) count++;
            }
            return count == 1;
        }

        /// <summary>Whether <paramref name="tuple"/> is (or is nested in) the target of a deconstructing assignment or foreach.</summary>
        private static bool IsDeconstructionTarget(TupleExpressionSyntax tuple)
        {
            SyntaxNode n = tuple;
            while (n.Parent is ArgumentSyntax a && a.Parent is TupleExpressionSyntax outer) n = outer;
            return n.Parent is AssignmentExpressionSyntax assignment && assignment.Left == n
                   || n.Parent is ForEachVariableStatementSyntax loop && loop.Variable == n;
        }
    }
}
