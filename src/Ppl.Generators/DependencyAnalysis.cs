using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Generators
{
    /// <summary>
    /// The static dependency analysis of a model body (for update and regenerate, as Gen's static language does
    /// with its dependency graph): for each static site, which random choices, families of choices and model
    /// arguments its distribution and observed value can depend on.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A flow-insensitive data-flow analysis over the body's <see cref="IOperation"/> tree, iterated to a fixed
    /// point: each local and parameter gets the union of the dependencies of everything ever assigned to it, plus
    /// the conditions that decide whether the assignment runs (enclosing <c>if</c>/<c>?:</c>/<c>switch</c>/loop
    /// conditions, the left of <c>&amp;&amp;</c>, <c>||</c>, <c>??</c>). Contents of arrays and objects are one
    /// pseudo-variable, the heap. A site depends on its arguments' dependencies, its own enclosing conditions (which
    /// decide which syntactic site fills a slot, and when), and the conditions of every <c>break</c>,
    /// <c>continue</c> and <c>return</c> (jumps change what runs after them).
    /// </para>
    /// <para>
    /// It must never claim independence wrongly, so it is a white list: arithmetic, <c>System.Math</c>, Ppl's
    /// distribution factories and constructors, arrays, tuples, fields and a few pure properties are followed;
    /// a call into other code makes its result depend on everything (the slot is always recomputed) and the heap
    /// unknown (it may have written anything it can reach); a write into an object the body did not create
    /// (an argument's array) makes the heap unknown; constructs it does not model (goto, try, using, ref locals,
    /// lambdas that assign captured variables, unknown operation kinds) make it give up on the whole model.
    /// </para>
    /// </remarks>
    internal sealed class DependencyAnalysis
    {
        /// <summary>A set of sources, or "anything" (<see cref="Top"/>).</summary>
        private sealed class Deps
        {
            public readonly HashSet<int> Set = new HashSet<int>();
            public bool Top;

            public static Deps None => new Deps();

            public static Deps Any => new Deps { Top = true };

            public static Deps Of(int source)
            {
                var d = new Deps();
                d.Set.Add(source);
                return d;
            }

            /// <summary>Adds <paramref name="other"/>; true when this grew.</summary>
            public bool Add(Deps? other)
            {
                if (other == null || Top) return false;
                if (other.Top)
                {
                    Top = true;
                    Set.Clear();
                    return true;
                }
                var grew = false;
                foreach (var s in other.Set) grew |= Set.Add(s);
                return grew;
            }

            public Deps With(Deps? other)
            {
                var d = new Deps();
                d.Add(this);
                d.Add(other);
                return d;
            }
        }

        /// <summary>Thrown (and caught in <see cref="Analyse"/>) for a construct the analysis does not model.</summary>
        private sealed class Unsupported : Exception
        {
        }

        private const int MaxPasses = 64;

        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly CancellationToken _ct;
        private readonly Dictionary<SyntaxNode, Site> _sites = new Dictionary<SyntaxNode, Site>();
        private readonly List<Site> _siteList;
        private readonly int _slots;
        private readonly List<string> _families = new List<string>();
        private readonly int _argsSource;
        private readonly Dictionary<ISymbol, Deps> _vars = new Dictionary<ISymbol, Deps>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _external = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly Deps _heap = new Deps();
        private readonly Deps _jumps = new Deps();
        private readonly Dictionary<Site, Deps> _siteDeps = new Dictionary<Site, Deps>();
        private readonly Stack<Deps> _conditionalAccess = new Stack<Deps>();
        private bool _grew;

        private DependencyAnalysis(SemanticModel model, IMethodSymbol method, IReadOnlyList<Site> sites, int slots, CancellationToken ct)
        {
            _model = model;
            _method = method;
            _ct = ct;
            _siteList = sites.ToList();
            foreach (var s in sites) _sites[s.Node] = s;
            _slots = slots;
            foreach (var s in sites)
                if (s.Kind == SiteKind.Sample && s.StaticName == null && s.FamilyName != null && !_families.Contains(s.FamilyName))
                    _families.Add(s.FamilyName);
            _argsSource = slots + _families.Count;
        }

        /// <summary>The dependency graph of the model's static slots, or null when the analysis gives up (every site is then recomputed).</summary>
        public static DependencyData? Analyse(SemanticModel model, IMethodSymbol method, SyntaxNode declaration, IReadOnlyList<Site> sites, int slots, CancellationToken ct)
        {
            try
            {
                var root = model.GetOperation(declaration, ct);
                if (root == null) return null;
                return new DependencyAnalysis(model, method, sites, slots, ct).Run(root);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception)
            {
                // Unsupported constructs and anything unexpected: no dependency information, which is always correct.
                return null;
            }
        }

        private DependencyData? Run(IOperation root)
        {
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                _grew = false;
                _siteDeps.Clear();
                Eval(root, Deps.None);
                if (!_grew) return Result();
            }
            return null;
        }

        private DependencyData Result()
        {
            var slots = new List<SlotDependency>();
            var usesArgs = false;
            for (var k = 0; k < _slots; k++)
            {
                var at = _siteList.Where(s => s.Slot == k).ToList();
                var d = new Deps();
                var always = at.Count == 0;
                foreach (var s in at)
                {
                    if (s.Kind != SiteKind.Sample && s.Kind != SiteKind.Observe) always = true;
                    else if (_siteDeps.TryGetValue(s, out var sd)) d.Add(sd);
                    else always = true; // never reached by the walk: nothing to vouch for
                }
                d.Add(_jumps);
                if (always || d.Top)
                {
                    slots.Add(new SlotDependency(true, default));
                    continue;
                }
                var sources = d.Set.OrderBy(x => x).ToEquatableArray();
                usesArgs |= d.Set.Contains(_argsSource);
                slots.Add(new SlotDependency(false, sources));
            }
            return new DependencyData(_families.ToEquatableArray(), slots.ToEquatableArray(), usesArgs);
        }

        // ------------------------------------------------------------------ variables, heap, jumps

        private Deps Var(ISymbol symbol)
        {
            if (!_vars.TryGetValue(symbol, out var d))
            {
                d = symbol is IParameterSymbol ? Deps.Of(_argsSource) : new Deps();
                _vars[symbol] = d;
                if (symbol is IParameterSymbol p && IsMutableReference(p.Type)) _external.Add(symbol);
            }
            return d;
        }

        private void Assign(ISymbol symbol, Deps value, bool external)
        {
            if (symbol is ILocalSymbol l && l.IsRef) throw new Unsupported();
            _grew |= Var(symbol).Add(value);
            var type = symbol is ILocalSymbol ls ? ls.Type : symbol is IParameterSymbol ps ? ps.Type : null;
            if (external && type != null && IsMutableReference(type) && _external.Add(symbol)) _grew = true;
        }

        private void AddHeap(Deps d) => _grew |= _heap.Add(d);

        private void HeapUnknown() => _grew |= _heap.Add(Deps.Any);

        /// <summary>A call into code the analysis cannot see: its result may depend on anything, and it may have written anything it can reach.</summary>
        private Deps Unknown()
        {
            HeapUnknown();
            return Deps.Any;
        }

        private static bool IsNumber(ITypeSymbol t)
        {
            switch (t.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Decimal:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return true;
                default:
                    return false;
            }
        }

        private static bool Formattable(ITypeSymbol? t) => t != null && (IsNumber(t) || t.SpecialType == SpecialType.System_String);

        private static bool IsMutableReference(ITypeSymbol? t) =>
            t != null && !t.IsValueType && t.SpecialType != SpecialType.System_String;

        // ------------------------------------------------------------------ the walk

        private Deps Eval(IOperation? op, Deps ctrl)
        {
            if (op == null) return Deps.None;
            _ct.ThrowIfCancellationRequested();
            if (op.ConstantValue.HasValue) return Deps.None;
            switch (op)
            {
                case IMethodBodyOperation mb:
                    Eval(mb.BlockBody, ctrl);
                    Eval(mb.ExpressionBody, ctrl);
                    return Deps.None;
                case IBlockOperation b:
                    foreach (var s in b.Operations) Eval(s, ctrl);
                    return Deps.None;
                case IVariableDeclarationGroupOperation g:
                    foreach (var d in g.Declarations) Eval(d, ctrl);
                    return Deps.None;
                case IVariableDeclarationOperation vd:
                    foreach (var d in vd.Declarators) Declare(d, vd.Initializer, ctrl);
                    return Deps.None;
                case IVariableDeclaratorOperation one:
                    Declare(one, null, ctrl);
                    return Deps.None;
                case IExpressionStatementOperation es:
                    Eval(es.Operation, ctrl);
                    return Deps.None;
                case IEmptyOperation _:
                    return Deps.None;
                case IConditionalOperation c:
                {
                    if (c.IsRef) throw new Unsupported();
                    var cond = Eval(c.Condition, ctrl);
                    var inner = ctrl.With(cond);
                    var t = Eval(c.WhenTrue, inner);
                    var f = Eval(c.WhenFalse, inner);
                    return cond.With(t).With(f);
                }
                case IWhileLoopOperation w:
                {
                    // The condition is evaluated again after each iteration: it runs under the loop's own control too.
                    var cond = Eval(w.Condition, ctrl);
                    var inner = ctrl.With(cond);
                    inner.Add(Eval(w.Condition, inner));
                    Eval(w.Body, inner);
                    Eval(w.IgnoredCondition, inner);
                    return Deps.None;
                }
                case IForLoopOperation f:
                {
                    foreach (var b in f.Before) Eval(b, ctrl);
                    var cond = Eval(f.Condition, ctrl);
                    var inner = ctrl.With(cond);
                    inner.Add(Eval(f.Condition, inner));
                    Eval(f.Body, inner);
                    foreach (var a in f.AtLoopBottom) Eval(a, inner);
                    return Deps.None;
                }
                case IForEachLoopOperation fe:
                    ForEach(fe, ctrl);
                    return Deps.None;
                case ISwitchOperation sw:
                    Switch(sw, ctrl);
                    return Deps.None;
                case ISwitchExpressionOperation se:
                {
                    var v = Eval(se.Value, ctrl);
                    var acc = ctrl.With(v);
                    foreach (var arm in se.Arms)
                    {
                        acc.Add(Pattern(arm.Pattern, v, acc));
                        acc.Add(Eval(arm.Guard, acc));
                    }
                    var result = v.With(acc);
                    foreach (var arm in se.Arms) result.Add(Eval(arm.Value, acc));
                    return result;
                }
                case IIsPatternOperation ip:
                {
                    var v = Eval(ip.Value, ctrl);
                    return v.With(Pattern(ip.Pattern, v, ctrl));
                }
                case IReturnOperation r:
                    if (r.Kind != OperationKind.Return) throw new Unsupported(); // yield
                    Eval(r.ReturnedValue, ctrl);
                    _grew |= _jumps.Add(ctrl);
                    return Deps.None;
                case IBranchOperation br:
                    if (br.BranchKind != BranchKind.Break && br.BranchKind != BranchKind.Continue) throw new Unsupported();
                    if (!EndsSwitchSection(br)) _grew |= _jumps.Add(ctrl);
                    return Deps.None;
                case IThrowOperation th:
                    // A throw ends the run (no try in a model body): it decides nothing for a run that completes.
                    Eval(th.Exception, ctrl);
                    return Deps.Any;
                case ILocalFunctionOperation lf:
                    CheckClosure(lf);
                    return Deps.None;
                case IAnonymousFunctionOperation af:
                    CheckClosure(af);
                    return Deps.Any;
                case IDelegateCreationOperation dc:
                    Eval(dc.Target, ctrl);
                    return Deps.Any;
                case IMethodReferenceOperation _:
                    return Deps.Any;

                // ---- expressions
                case ILocalReferenceOperation l:
                    if (l.Local.IsRef) throw new Unsupported();
                    return IsMutableReference(l.Type) ? Var(l.Local).With(_heap) : Var(l.Local).With(null);
                case IParameterReferenceOperation p:
                    return IsMutableReference(p.Type) ? Var(p.Parameter).With(_heap) : Var(p.Parameter).With(null);
                case IFieldReferenceOperation fr:
                    return Field(fr, ctrl);
                case IPropertyReferenceOperation pr:
                    return Property(pr, ctrl);
                case IArrayElementReferenceOperation ae:
                {
                    var d = Eval(ae.ArrayReference, ctrl);
                    foreach (var i in ae.Indices) d.Add(Eval(i, ctrl));
                    d.Add(_heap);
                    return d;
                }
                case IBinaryOperation bin:
                {
                    var l = Eval(bin.LeftOperand, ctrl);
                    var conditional = bin.OperatorKind == BinaryOperatorKind.ConditionalAnd || bin.OperatorKind == BinaryOperatorKind.ConditionalOr;
                    var r = Eval(bin.RightOperand, conditional ? ctrl.With(l) : ctrl);
                    if (bin.OperatorMethod != null && !TrustedOperator(bin.OperatorMethod)) return Unknown();
                    // Concatenating a non-string formats it (culture, user ToString): not a function of the operands alone.
                    if (bin.Type?.SpecialType == SpecialType.System_String &&
                        !(bin.LeftOperand.Type?.SpecialType == SpecialType.System_String && bin.RightOperand.Type?.SpecialType == SpecialType.System_String))
                        return Formattable(bin.LeftOperand.Type) && Formattable(bin.RightOperand.Type) ? Deps.Any : Unknown();
                    return l.With(r);
                }
                case IUnaryOperation u:
                {
                    var d = Eval(u.Operand, ctrl);
                    return u.OperatorMethod != null && !TrustedOperator(u.OperatorMethod) ? Unknown() : d;
                }
                case IConversionOperation cv:
                {
                    var d = Eval(cv.Operand, ctrl);
                    return cv.OperatorMethod != null && !TrustedOperator(cv.OperatorMethod) ? Unknown() : d;
                }
                case IIsTypeOperation it:
                    return Eval(it.ValueOperand, ctrl);
                case IInvocationOperation inv:
                    return _sites.TryGetValue(inv.Syntax, out var site) ? SiteValue(inv, site, ctrl) : Invocation(inv, ctrl);
                case IArgumentOperation arg:
                    return Eval(arg.Value, ctrl);
                case IObjectCreationOperation oc:
                {
                    var d = new Deps();
                    foreach (var a in oc.Arguments)
                    {
                        if (a.Parameter != null && a.Parameter.RefKind != RefKind.None && a.Parameter.RefKind != RefKind.In) throw new Unsupported();
                        d.Add(Eval(a.Value, ctrl));
                    }
                    if (oc.Initializer != null) return Unknown(); // member initialisers run setters
                    return PureCreation(oc.Type) ? d : Unknown();
                }
                case IArrayCreationOperation ac:
                {
                    var d = new Deps();
                    foreach (var s in ac.DimensionSizes) d.Add(Eval(s, ctrl));
                    d.Add(Eval(ac.Initializer, ctrl));
                    return d;
                }
                case ICollectionExpressionOperation ce when ce.Type is IArrayTypeSymbol:
                {
                    // `[a, b, ..xs]` into an array: a new array built from its elements (a spread copies its operand).
                    var d = new Deps();
                    foreach (var e in ce.Elements) d.Add(Eval(e is ISpreadOperation spread ? spread.Operand : e, ctrl));
                    return d;
                }
                case IArrayInitializerOperation ai:
                {
                    var d = new Deps();
                    foreach (var e in ai.ElementValues) d.Add(Eval(e, ctrl));
                    return d;
                }
                case ITupleOperation tu:
                {
                    var d = new Deps();
                    foreach (var e in tu.Elements) d.Add(Eval(e, ctrl));
                    return d;
                }
                case IDefaultValueOperation _:
                case ITypeOfOperation _:
                case ISizeOfOperation _:
                case IDiscardOperation _:
                case ILiteralOperation _:
                    return Deps.None;
                case ISimpleAssignmentOperation sa:
                {
                    if (sa.IsRef) throw new Unsupported();
                    var v = Eval(sa.Value, ctrl);
                    AssignTo(sa.Target, v.With(ctrl), ctrl, MayBeExternal(sa.Value));
                    return v;
                }
                case ICompoundAssignmentOperation ca:
                {
                    var t = Eval(ca.Target, ctrl);
                    var v = Eval(ca.Value, ctrl).With(t);
                    if ((ca.OperatorMethod != null && !TrustedOperator(ca.OperatorMethod)) || ca.InConversion.MethodSymbol != null || ca.OutConversion.MethodSymbol != null)
                        v = Unknown();
                    AssignTo(ca.Target, v.With(ctrl), ctrl, false);
                    return v;
                }
                case IIncrementOrDecrementOperation id:
                {
                    var t = Eval(id.Target, ctrl);
                    if (id.OperatorMethod != null && !TrustedOperator(id.OperatorMethod)) t = Unknown();
                    AssignTo(id.Target, t.With(ctrl), ctrl, false);
                    return t;
                }
                case IDeconstructionAssignmentOperation da:
                {
                    var v = Eval(da.Value, ctrl);
                    AssignTo(da.Target, v.With(ctrl), ctrl, true);
                    return v;
                }
                case IDeclarationExpressionOperation de:
                    return Eval(de.Expression, ctrl);
                case ICoalesceOperation co:
                {
                    var v = Eval(co.Value, ctrl);
                    return v.With(Eval(co.WhenNull, ctrl.With(v)));
                }
                case ICoalesceAssignmentOperation cas:
                {
                    var t = Eval(cas.Target, ctrl);
                    var v = Eval(cas.Value, ctrl.With(t)).With(t);
                    AssignTo(cas.Target, v.With(ctrl), ctrl, true);
                    return v;
                }
                case IConditionalAccessOperation cao:
                {
                    var v = Eval(cao.Operation, ctrl);
                    _conditionalAccess.Push(v);
                    try
                    {
                        return v.With(Eval(cao.WhenNotNull, ctrl.With(v)));
                    }
                    finally
                    {
                        _conditionalAccess.Pop();
                    }
                }
                case IConditionalAccessInstanceOperation _:
                    return _conditionalAccess.Count > 0 ? _conditionalAccess.Peek().With(null) : Deps.Any;
                case IInterpolatedStringOperation istr:
                {
                    // Formatting may depend on the culture; formatting other than of numbers and strings runs user code.
                    foreach (var part in istr.Parts)
                        if (part is IInterpolationOperation io)
                        {
                            Eval(io.Expression, ctrl);
                            Eval(io.Alignment, ctrl);
                            if (!(io.Expression.Type is { } t && (IsNumber(t) || t.SpecialType == SpecialType.System_String))) HeapUnknown();
                        }
                    return Deps.Any;
                }
                default:
                    throw new Unsupported();
            }
        }

        private void Declare(IVariableDeclaratorOperation d, IVariableInitializerOperation? shared, Deps ctrl)
        {
            if (d.Symbol.IsRef) throw new Unsupported();
            var init = d.Initializer ?? shared;
            if (init == null)
            {
                Var(d.Symbol);
                return;
            }
            var v = Eval(init.Value, ctrl);
            Assign(d.Symbol, v.With(ctrl), MayBeExternal(init.Value));
        }

        private void AssignTo(IOperation target, Deps value, Deps ctrl, bool external)
        {
            switch (target)
            {
                case ILocalReferenceOperation l:
                    Assign(l.Local, value, external);
                    return;
                case IParameterReferenceOperation p:
                    Assign(p.Parameter, value, true);
                    return;
                case IDeclarationExpressionOperation de:
                    AssignTo(de.Expression, value, ctrl, external);
                    return;
                case ITupleOperation t:
                    foreach (var e in t.Elements) AssignTo(e, value, ctrl, true);
                    return;
                case IDiscardOperation _:
                    return;
                case IArrayElementReferenceOperation ae:
                {
                    var d = Eval(ae.ArrayReference, ctrl);
                    foreach (var i in ae.Indices) d.Add(Eval(i, ctrl));
                    // Writing into an array the body did not create changes state that outlives the run (an argument's data).
                    if (MayBeExternal(ae.ArrayReference)) HeapUnknown();
                    else AddHeap(value.With(d));
                    return;
                }
                case IFieldReferenceOperation f:
                {
                    if (f.Field.IsStatic) return; // reads of mutable static fields are unknown anyway
                    var inst = f.Instance;
                    if (inst == null) throw new Unsupported();
                    if (inst.Type != null && inst.Type.IsValueType)
                    {
                        // A field of a struct held in a variable (or in a field of one): the variable changes.
                        AssignTo(inst, value.With(Eval(inst, ctrl)), ctrl, true);
                        return;
                    }
                    var d = Eval(inst, ctrl);
                    if (MayBeExternal(inst)) HeapUnknown();
                    else AddHeap(value.With(d));
                    return;
                }
                case IPropertyReferenceOperation pr:
                {
                    // A setter is code the analysis cannot see.
                    Eval(pr.Instance, ctrl);
                    foreach (var a in pr.Arguments) Eval(a.Value, ctrl);
                    HeapUnknown();
                    if (pr.Instance != null && pr.Instance.Type != null && pr.Instance.Type.IsValueType) AssignTo(pr.Instance, Deps.Any, ctrl, true);
                    return;
                }
                default:
                    throw new Unsupported();
            }
        }

        /// <summary>Whether a reference-typed value may point at an object the body did not create in this run.</summary>
        private bool MayBeExternal(IOperation? op)
        {
            switch (op)
            {
                case null:
                    return false;
                case ILocalReferenceOperation l:
                    Var(l.Local);
                    return _external.Contains(l.Local);
                case IObjectCreationOperation _:
                case IArrayCreationOperation _:
                case IDefaultValueOperation _:
                case ILiteralOperation _:
                    return false;
                case IConversionOperation c:
                    return MayBeExternal(c.Operand);
                case IConditionalOperation c:
                    return MayBeExternal(c.WhenTrue) || MayBeExternal(c.WhenFalse);
                case ICoalesceOperation c:
                    return MayBeExternal(c.Value) || MayBeExternal(c.WhenNull);
                case ISimpleAssignmentOperation a:
                    return MayBeExternal(a.Value);
                default:
                    return op.Type == null || IsMutableReference(op.Type);
            }
        }

        private void ForEach(IForEachLoopOperation fe, Deps ctrl)
        {
            if (fe.IsAsynchronous) throw new Unsupported();
            var coll = Eval(fe.Collection, ctrl);
            var source = fe.Collection;
            while (source is IConversionOperation c && c.OperatorMethod == null) source = c.Operand;
            Deps element, inner;
            if (source.Type is IArrayTypeSymbol || source.Type?.SpecialType == SpecialType.System_String)
            {
                element = coll.With(_heap);
                inner = ctrl.With(coll);
            }
            else
            {
                // GetEnumerator, MoveNext and Current are code the analysis cannot see.
                element = Unknown();
                inner = Deps.Any;
            }
            switch (fe.LoopControlVariable)
            {
                case IVariableDeclaratorOperation d:
                    Assign(d.Symbol, element.With(inner), true);
                    break;
                case null:
                    break;
                default:
                    AssignTo(fe.LoopControlVariable, element.With(inner), inner, true);
                    break;
            }
            Eval(fe.Body, inner);
        }

        private void Switch(ISwitchOperation sw, Deps ctrl)
        {
            var v = Eval(sw.Value, ctrl);
            // Which section runs depends on the value and on every label before it.
            var all = ctrl.With(v);
            foreach (var c in sw.Cases)
                foreach (var clause in c.Clauses)
                {
                    switch (clause)
                    {
                        case ISingleValueCaseClauseOperation sv:
                            all.Add(Eval(sv.Value, ctrl));
                            break;
                        case IPatternCaseClauseOperation pc:
                            all.Add(Pattern(pc.Pattern, v, all));
                            all.Add(Eval(pc.Guard, all));
                            break;
                        case IDefaultCaseClauseOperation _:
                            break;
                        default:
                            throw new Unsupported();
                    }
                }
            foreach (var c in sw.Cases)
                foreach (var s in c.Body) Eval(s, all);
        }

        private static bool EndsSwitchSection(IBranchOperation br)
        {
            if (br.BranchKind != BranchKind.Break) return false;
            IOperation node = br;
            while (node.Parent is IBlockOperation b && b.Operations.Length > 0 && b.Operations[b.Operations.Length - 1] == node) node = b;
            return node.Parent is ISwitchCaseOperation sc && sc.Body.Length > 0 && sc.Body[sc.Body.Length - 1] == node;
        }

        /// <summary>The dependencies a pattern adds to the match's outcome; declared variables get the matched value's.</summary>
        private Deps Pattern(IPatternOperation? p, Deps input, Deps ctrl)
        {
            switch (p)
            {
                case null:
                case ITypePatternOperation _:
                case IDiscardPatternOperation _:
                    return Deps.None;
                case IConstantPatternOperation c:
                    return Eval(c.Value, ctrl);
                case IRelationalPatternOperation r:
                    return Eval(r.Value, ctrl);
                case IDeclarationPatternOperation d:
                    if (d.DeclaredSymbol != null) Assign(d.DeclaredSymbol, input.With(ctrl), true);
                    return Deps.None;
                case INegatedPatternOperation n:
                    return Pattern(n.Pattern, input, ctrl);
                case IBinaryPatternOperation b:
                    return Pattern(b.LeftPattern, input, ctrl).With(Pattern(b.RightPattern, input, ctrl));
                default:
                    throw new Unsupported();
            }
        }

        private Deps Field(IFieldReferenceOperation fr, Deps ctrl)
        {
            var f = fr.Field;
            if (f.IsStatic)
            {
                // Constants and read-only numbers cannot change between runs; other static state can.
                if (f.IsConst || (f.IsReadOnly && (IsNumber(f.Type) || f.Type.TypeKind == TypeKind.Enum || f.Type.SpecialType == SpecialType.System_String)))
                    return Deps.None;
                return Deps.Any;
            }
            var inst = Eval(fr.Instance, ctrl);
            if (fr.Instance?.Type != null && !fr.Instance.Type.IsValueType) inst.Add(_heap);
            if (IsMutableReference(f.Type)) inst.Add(_heap);
            return inst;
        }

        private Deps Property(IPropertyReferenceOperation pr, Deps ctrl)
        {
            var d = Eval(pr.Instance, ctrl);
            foreach (var a in pr.Arguments) d.Add(Eval(a.Value, ctrl));
            if (!PureProperty(pr.Property)) return Unknown();
            if (IsMutableReference(pr.Type)) d.Add(_heap);
            return d;
        }

        private Deps Invocation(IInvocationOperation inv, Deps ctrl)
        {
            var d = Eval(inv.Instance, ctrl);
            var byRef = new List<IOperation>();
            foreach (var a in inv.Arguments)
            {
                if (a.Parameter != null && (a.Parameter.RefKind == RefKind.Ref || a.Parameter.RefKind == RefKind.Out)) byRef.Add(a.Value);
                else d.Add(Eval(a.Value, ctrl));
            }
            var result = PureMethod(inv.TargetMethod) ? d : Unknown();
            // What a callee writes through ref and out arguments depends on its inputs (and for unknown code, on anything).
            foreach (var r in byRef) AssignTo(r, result.With(ctrl).With(Eval(r, ctrl)), ctrl, true);
            return result;
        }

        /// <summary>The value of an effect site (and its dependencies, recorded for static slots).</summary>
        private Deps SiteValue(IInvocationOperation inv, Site site, Deps ctrl)
        {
            var byOrdinal = new Dictionary<int, Deps>();
            var mutableArgument = false;
            foreach (var a in inv.Arguments)
            {
                if (a.Parameter == null) throw new Unsupported();
                byOrdinal[a.Parameter.Ordinal] = Eval(a.Value, ctrl);
                // (Call's first argument is the generative function itself, not data it could write into.)
                var callee = site.Kind == SiteKind.Call && a.Parameter.Ordinal == 0;
                if (!callee && IsMutableReference(a.Value.Type) && !(a.Value is IConversionOperation c && c.Operand.Type != null && c.Operand.Type.IsValueType))
                    mutableArgument = true;
            }
            Deps Arg(int i) => byOrdinal.TryGetValue(i, out var d) ? d : Deps.None;
            switch (site.Kind)
            {
                case SiteKind.Sample:
                {
                    if (site.StaticName != null)
                    {
                        Record(site, Arg(0).With(ctrl));
                        return Deps.Of(site.Slot);
                    }
                    if (site.FamilyName == null) return Deps.Any;
                    // A kept value at a run-time address is the old one at that address: it depends on the address too.
                    var value = Deps.Of(_slots + _families.IndexOf(site.FamilyName));
                    for (var i = site.AddressStart; i < site.AddressStart + site.AddressCount; i++) value.Add(Arg(i));
                    return value;
                }
                case SiteKind.Observe:
                    if (site.StaticName != null) Record(site, Arg(0).With(Arg(1)).With(ctrl));
                    return Deps.None;
                case SiteKind.Factor:
                    return Deps.None;
                default:
                    // Calls: the callee's return value may change whenever anything inside it does; a callee given
                    // an array or object may write into it.
                    if (mutableArgument || site.Kind == SiteKind.Param) HeapUnknown();
                    return Deps.Any;
            }
        }

        private void Record(Site site, Deps d)
        {
            if (_siteDeps.TryGetValue(site, out var old)) old.Add(d);
            else _siteDeps[site] = d.With(null);
        }

        /// <summary>Lambdas and local functions run whenever they are called: they must not assign the model's own variables.</summary>
        private void CheckClosure(IOperation function)
        {
            foreach (var op in function.Descendants())
            {
                IOperation? target = op switch
                {
                    ISimpleAssignmentOperation a => a.Target,
                    ICompoundAssignmentOperation a => a.Target,
                    IIncrementOrDecrementOperation a => a.Target,
                    ICoalesceAssignmentOperation a => a.Target,
                    IDeconstructionAssignmentOperation a => a.Target,
                    IArgumentOperation a when a.Parameter != null && a.Parameter.RefKind != RefKind.None => a.Value,
                    _ => null,
                };
                if (target == null) continue;
                foreach (var r in target.DescendantsAndSelf())
                {
                    var symbol = r is ILocalReferenceOperation l ? l.Local : r is IParameterReferenceOperation p ? (ISymbol)p.Parameter : null;
                    if (symbol != null && SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, _method)) throw new Unsupported();
                }
            }
        }

        // ------------------------------------------------------------------ white lists

        private static string? Namespace(ISymbol s) => s.ContainingNamespace?.ToDisplayString();

        private static bool InPpl(ISymbol s) => s.ContainingAssembly?.Name == "Ppl";

        /// <summary>User-defined operators that are known to be pure: Ppl's addresses, <c>decimal</c>.</summary>
        private static bool TrustedOperator(IMethodSymbol m)
        {
            var t = m.ContainingType;
            if (t == null) return false;
            if (t.SpecialType == SpecialType.System_Decimal) return true;
            var name = t.ToDisplayString();
            return InPpl(t) && (name == "Ppl.Address" || name == "Ppl.AddressSegment");
        }

        private static bool PureMethod(IMethodSymbol m)
        {
            var t = m.ContainingType;
            if (t == null) return false;
            var name = t.ToDisplayString();
            if (m.IsStatic && (name == "System.Math" || name == "System.MathF")) return true;
            if (m.IsStatic && name == "Ppl.Dist" && InPpl(t)) return true;
            if (IsNumber(t))
            {
                // Numeric helpers on primitive types (double.IsNaN, int.Max, x.CompareTo(y)); not parsing or formatting.
                if (m.Name.Contains("Parse") || m.Name.Contains("Format") || m.Name.Contains("String")) return false;
                return m.Parameters.All(p => p.RefKind == RefKind.None && IsNumber(p.Type));
            }
            return false;
        }

        private static bool PureProperty(IPropertySymbol p)
        {
            var t = p.ContainingType;
            if (t == null) return false;
            if (t.SpecialType == SpecialType.System_Array) return p.Name == "Length" || p.Name == "LongLength" || p.Name == "Rank";
            if (t.SpecialType == SpecialType.System_String) return p.Name == "Length" || p.IsIndexer;
            if (t.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return p.Name == "HasValue" || p.Name == "Value";
            // Ppl's distribution structs: parameters read back (readonly structs, no code beyond the field).
            return t.IsValueType && InPpl(t) && Namespace(t) == "Ppl.Distributions" && !p.IsIndexer;
        }

        private static bool PureCreation(ITypeSymbol? t)
        {
            if (t == null) return false;
            if (IsNumber(t) || t.IsTupleType) return true;
            if (t is INamedTypeSymbol n && n.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return true;
            if (!InPpl(t)) return false;
            var name = t.ToDisplayString();
            return Namespace(t) == "Ppl.Distributions" || name == "Ppl.Address" || name == "Ppl.AddressSegment";
        }
    }
}
