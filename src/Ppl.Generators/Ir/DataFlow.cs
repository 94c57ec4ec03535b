using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// The one data-flow engine of the generator: walks a body's <see cref="IOperation"/> tree again and again until
    /// nothing grows, and leaves a <see cref="ModelIr"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Flow-insensitive: each local and parameter gets the union of everything ever assigned to it, plus the conditions
    /// that decide whether the assignment runs (enclosing <c>if</c>/<c>?:</c>/<c>switch</c>/loop conditions, the left of
    /// <c>&amp;&amp;</c>, <c>||</c>, <c>??</c>). Contents of arrays and objects are one pseudo-variable, the heap (and,
    /// for the lowerings, a per-variable view of what was written into a local's elements). A site depends on its
    /// arguments, its own enclosing conditions and the conditions of every <c>break</c>, <c>continue</c> and <c>return</c>.
    /// Every step is labelled with a <see cref="FlowPath"/>, so the consumers that want less than the sound answer (the
    /// lowerings' taints) read theirs from the same fixed point.
    /// </para>
    /// <para>
    /// It must never claim independence wrongly, so it is a white list (<see cref="PureOperations"/>): a call into other
    /// code makes its result depend on anything and the heap unknown; a write into an object the body did not create
    /// makes the heap unknown. Constructs it does not model (goto, try, using, ref locals, lambdas that assign the body's
    /// variables, unknown operation kinds) are recorded in <see cref="ModelIr.Unmodelled"/>; the walk goes on through
    /// their children, because the lowerings (which reject most of them themselves) still want their answers.
    /// </para>
    /// </remarks>
    internal sealed class DataFlow
    {
        // A bound for the paths lattice, which is finite (sources × variables × 4 path combinations); reaching it is a bug.
        private const int MaxPasses = 1000;

        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly CancellationToken _ct;
        private readonly Dictionary<SyntaxNode, IrSite> _sitesByNode = new Dictionary<SyntaxNode, IrSite>();
        private readonly List<IrSite> _sites = new List<IrSite>();
        private readonly List<IrSource> _sources = new List<IrSource>();
        private readonly Dictionary<SyntaxNode, int> _deterministic = new Dictionary<SyntaxNode, int>();
        private readonly Dictionary<ISymbol, IrVariable> _vars = new Dictionary<ISymbol, IrVariable>(SymbolEqualityComparer.Default);
        private readonly SourceSet _heap = SourceSet.None;
        private readonly SourceSet _jumps = SourceSet.None;
        private readonly Stack<SourceSet> _conditionalAccess = new Stack<SourceSet>();
        private string? _unmodelled;
        private SetGrowth _growth;

        private DataFlow(SemanticModel model, IMethodSymbol method, IReadOnlyList<Site> sites, CancellationToken ct)
        {
            _model = model;
            _method = method;
            _ct = ct;
            foreach (var s in sites)
            {
                var site = new IrSite(_sites.Count, s);
                _sites.Add(site);
                _sitesByNode[s.Node] = site;
                _sources.Add(IrSource.ForSite(_sources.Count, site));
            }
            foreach (var p in method.Parameters) _sources.Add(IrSource.ForParameter(_sources.Count, p));
        }

        /// <summary>Builds the IR of a body and runs the fixed point (see <see cref="ModelIr.Build"/>).</summary>
        public static ModelIr Run(SemanticModel model, IMethodSymbol method, SyntaxNode declaration, IReadOnlyList<Site> sites, CancellationToken ct)
        {
            var flow = new DataFlow(model, method, sites, ct);
            try
            {
                var root = model.GetOperation(declaration, ct);
                if (root == null) return flow.Result(complete: false, soundPasses: 0);
                return flow.Solve(root);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception)
            {
                // Anything unexpected: no answer is trustworthy, and every consumer falls back to its safe choice.
                return flow.Result(complete: false, soundPasses: 0);
            }
        }

        private ModelIr Solve(IOperation root)
        {
            var soundPasses = 0;
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                _growth = SetGrowth.None;
                foreach (var s in _sites) s.Dependencies = null;
                Eval(root, ControlContext.Root);
                // The coarse lattice (what the dependency table reads) settles first; count its passes for its limit.
                if (soundPasses == 0 && (_growth & SetGrowth.Sources) == 0) soundPasses = pass + 1;
                if (_growth == SetGrowth.None) return Result(complete: true, soundPasses);
            }
            return Result(complete: false, soundPasses);
        }

        private ModelIr Result(bool complete, int soundPasses) =>
            new ModelIr(_method, _sites, _sources, _vars, _heap, _jumps, _unmodelled, soundPasses, complete);

        /// <summary>Notes a construct a sound analysis does not model; the first one is kept, for the record.</summary>
        private void Unmodelled(string what)
        {
            if (_unmodelled == null) _unmodelled = what;
        }

        // ------------------------------------------------------------------ variables, heap, jumps

        private IrVariable Var(ISymbol symbol)
        {
            if (!_vars.TryGetValue(symbol, out var v))
            {
                // A parameter of the analysed method arrives with its own source (the sites come first, then the parameters).
                var own = symbol is IParameterSymbol p && SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, _method)
                    ? SourceSet.Of(_sites.Count + p.Ordinal)
                    : SourceSet.None;
                v = new IrVariable(symbol, own);
                _vars[symbol] = v;
                if (symbol is IParameterSymbol ps && PureOperations.IsMutableReference(ps.Type)) v.External = true;
            }
            return v;
        }

        /// <summary>A read of a local or parameter: its value, its elements, and for a mutable object what the heap holds.</summary>
        private SourceSet Read(ISymbol symbol, ITypeSymbol? type)
        {
            var v = Var(symbol);
            var d = v.Value.With(null);
            if (!PureOperations.IsMutableReference(type)) return d;
            d.Add(v.Contents);
            d.Add(_heap, FlowPath.Conservative);
            return d;
        }

        /// <summary>A write of <paramref name="value"/> (and <paramref name="control"/>) to a local or parameter.</summary>
        private void Assign(ISymbol symbol, SourceSet value, SourceSet control, bool external)
        {
            if (symbol is ILocalSymbol l && l.IsRef) Unmodelled("a ref local");
            var v = Var(symbol);
            _growth |= v.Value.Add(value);
            _growth |= v.Value.Add(control);
            var type = symbol is ILocalSymbol ls ? ls.Type : symbol is IParameterSymbol ps ? ps.Type : null;
            if (external && type != null && PureOperations.IsMutableReference(type) && !v.External)
            {
                v.External = true;
                _growth |= SetGrowth.Sources | SetGrowth.Paths;
            }
        }

        private void AddHeap(SourceSet d) => _growth |= _heap.Add(d);

        private void HeapUnknown() => _growth |= _heap.Add(SourceSet.Any);

        /// <summary>A call into code the analysis cannot see: its result may depend on anything (and on <paramref name="inputs"/>), and it may have written anything it can reach.</summary>
        private SourceSet Unknown(SourceSet? inputs = null)
        {
            HeapUnknown();
            var d = SourceSet.Any;
            d.Add(inputs);
            return d;
        }

        // ------------------------------------------------------------------ the walk

        private SourceSet Eval(IOperation? op, ControlContext ctrl)
        {
            if (op == null) return SourceSet.None;
            _ct.ThrowIfCancellationRequested();
            if (op.ConstantValue.HasValue) return SourceSet.None;
            switch (op)
            {
                case IMethodBodyOperation mb:
                    Eval(mb.BlockBody, ctrl);
                    Eval(mb.ExpressionBody, ctrl);
                    return SourceSet.None;
                case IBlockOperation b:
                    foreach (var s in b.Operations) Eval(s, ctrl);
                    return SourceSet.None;
                case IVariableDeclarationGroupOperation g:
                    foreach (var d in g.Declarations) Eval(d, ctrl);
                    return SourceSet.None;
                case IVariableDeclarationOperation vd:
                    foreach (var d in vd.Declarators) Declare(d, vd.Initializer, ctrl);
                    return SourceSet.None;
                case IVariableDeclaratorOperation one:
                    Declare(one, null, ctrl);
                    return SourceSet.None;
                case IExpressionStatementOperation es:
                    Eval(es.Operation, ctrl);
                    return SourceSet.None;
                case IEmptyOperation _:
                    return SourceSet.None;
                case IConditionalOperation c:
                {
                    if (c.IsRef) Unmodelled("a ref conditional");
                    var cond = Eval(c.Condition, ctrl);
                    var t = Eval(c.WhenTrue, ctrl.Push(new ControlFrame(ControlKind.Branch, c, cond, c.WhenTrue?.Syntax)));
                    var f = Eval(c.WhenFalse, ctrl.Push(new ControlFrame(ControlKind.Branch, c, cond, c.WhenFalse?.Syntax)));
                    // The condition picks the value: a value of another kind than the arms' (Derived).
                    return t.With(f).With(cond, FlowPath.Derived);
                }
                case IWhileLoopOperation w:
                {
                    // The condition is evaluated again after each iteration: it runs under the loop's own control too.
                    var frame = new ControlFrame(ControlKind.Loop, w, Eval(w.Condition, ctrl), null);
                    var inner = ctrl.Push(frame);
                    frame.Condition.Add(Eval(w.Condition, inner));
                    Eval(w.Body, inner);
                    Eval(w.IgnoredCondition, inner);
                    return SourceSet.None;
                }
                case IForLoopOperation f:
                {
                    foreach (var b in f.Before) Eval(b, ctrl);
                    var frame = new ControlFrame(ControlKind.Loop, f, Eval(f.Condition, ctrl), null);
                    var inner = ctrl.Push(frame);
                    frame.Condition.Add(Eval(f.Condition, inner));
                    Eval(f.Body, inner);
                    foreach (var a in f.AtLoopBottom) Eval(a, inner);
                    return SourceSet.None;
                }
                case IForEachLoopOperation fe:
                    ForEach(fe, ctrl);
                    return SourceSet.None;
                case ISwitchOperation sw:
                    Switch(sw, ctrl);
                    return SourceSet.None;
                case ISwitchExpressionOperation se:
                {
                    var v = Eval(se.Value, ctrl);
                    var frame = new ControlFrame(ControlKind.Switch, se, v.With(null), null);
                    var inner = ctrl.Push(frame);
                    foreach (var arm in se.Arms)
                    {
                        frame.Condition.Add(Pattern(arm.Pattern, v, inner));
                        frame.Condition.Add(Eval(arm.Guard, inner));
                    }
                    // Which arm's value comes out depends on the match and on whatever decides that this expression runs.
                    var result = v.With(frame.Condition).With(ctrl.All());
                    foreach (var arm in se.Arms) result.Add(Eval(arm.Value, inner));
                    return result.Via(FlowPath.Derived);
                }
                case IIsPatternOperation ip:
                {
                    var v = Eval(ip.Value, ctrl);
                    return v.With(Pattern(ip.Pattern, v, ctrl)).Via(FlowPath.Derived);
                }
                case IReturnOperation r:
                    if (r.Kind != OperationKind.Return) Unmodelled("yield");
                    Eval(r.ReturnedValue, ctrl);
                    _growth |= _jumps.Add(ctrl.All());
                    return SourceSet.None;
                case IBranchOperation br:
                    if (br.BranchKind != BranchKind.Break && br.BranchKind != BranchKind.Continue) Unmodelled("goto");
                    else if (!EndsSwitchSection(br)) _growth |= _jumps.Add(ctrl.All());
                    return SourceSet.None;
                case IThrowOperation th:
                    // A throw ends the run (no try in a model body): it decides nothing for a run that completes.
                    return SourceSet.Any.With(Eval(th.Exception, ctrl), FlowPath.Derived);
                case ILocalFunctionOperation lf:
                    // A closure that writes the body's variables (unmodelled for the table) is walked, so that the
                    // lowerings see those writes, as their syntactic taints did.
                    if (AssignsTheBodysVariables(lf)) Eval(lf.Body, ctrl);
                    return SourceSet.None;
                case IAnonymousFunctionOperation af:
                    if (AssignsTheBodysVariables(af)) Eval(af.Body, ctrl);
                    return SourceSet.Any.With(Mentioned(af), FlowPath.Derived);
                case IDelegateCreationOperation dc:
                    return SourceSet.Any.With(Eval(dc.Target, ctrl), FlowPath.Derived);
                case IMethodReferenceOperation _:
                    return SourceSet.Any;

                // ---- expressions
                case ILocalReferenceOperation l:
                    if (l.Local.IsRef) Unmodelled("a ref local");
                    return Read(l.Local, l.Type);
                case IParameterReferenceOperation p:
                    return Read(p.Parameter, p.Type);
                case IFieldReferenceOperation fr:
                    return Field(fr, ctrl);
                case IPropertyReferenceOperation pr:
                    return Property(pr, ctrl);
                case IArrayElementReferenceOperation ae:
                {
                    var d = Eval(ae.ArrayReference, ctrl);
                    foreach (var i in ae.Indices) d.Add(Eval(i, ctrl), FlowPath.Derived);
                    d.Add(_heap, FlowPath.Conservative);
                    return d;
                }
                case IBinaryOperation bin:
                {
                    var l = Eval(bin.LeftOperand, ctrl);
                    var conditional = bin.OperatorKind == BinaryOperatorKind.ConditionalAnd || bin.OperatorKind == BinaryOperatorKind.ConditionalOr;
                    var r = Eval(bin.RightOperand, conditional ? ctrl.Push(new ControlFrame(ControlKind.Guard, bin, l, null)) : ctrl);
                    // + − × ÷ keep a real number real; every other operator makes another kind of value.
                    var arithmetic = bin.OperatorKind == BinaryOperatorKind.Add || bin.OperatorKind == BinaryOperatorKind.Subtract ||
                                     bin.OperatorKind == BinaryOperatorKind.Multiply || bin.OperatorKind == BinaryOperatorKind.Divide;
                    var operands = l.With(r).Via(arithmetic ? FlowPath.Value : FlowPath.Derived);
                    if (bin.OperatorMethod != null && !PureOperations.TrustedOperator(bin.OperatorMethod)) return Unknown(operands);
                    // Concatenating a non-string formats it (culture, user ToString): not a function of the operands alone.
                    if (bin.Type?.SpecialType == SpecialType.System_String &&
                        !(bin.LeftOperand.Type?.SpecialType == SpecialType.System_String && bin.RightOperand.Type?.SpecialType == SpecialType.System_String))
                        return PureOperations.Formattable(bin.LeftOperand.Type) && PureOperations.Formattable(bin.RightOperand.Type) ? SourceSet.Any.With(operands) : Unknown(operands);
                    return operands;
                }
                case IUnaryOperation u:
                {
                    var d = Eval(u.Operand, ctrl).Via(u.OperatorKind == UnaryOperatorKind.Plus || u.OperatorKind == UnaryOperatorKind.Minus ? FlowPath.Value : FlowPath.Derived);
                    return u.OperatorMethod != null && !PureOperations.TrustedOperator(u.OperatorMethod) ? Unknown(d) : d;
                }
                case IConversionOperation cv:
                {
                    // A cast the user wrote to a non-floating type makes another kind of value; implicit conversions carry it.
                    var d = Eval(cv.Operand, ctrl).Via(!cv.IsImplicit && !PureOperations.IsFloating(cv.Type) ? FlowPath.Derived : FlowPath.Value);
                    return cv.OperatorMethod != null && !PureOperations.TrustedOperator(cv.OperatorMethod) ? Unknown(d) : d;
                }
                case IIsTypeOperation it:
                    return Eval(it.ValueOperand, ctrl).Via(FlowPath.Derived);
                case IInvocationOperation inv:
                    return _sitesByNode.TryGetValue(inv.Syntax, out var site) ? SiteValue(inv, site, ctrl) : Invocation(inv, ctrl);
                case IArgumentOperation arg:
                    return Eval(arg.Value, ctrl);
                case IObjectCreationOperation oc:
                {
                    var d = SourceSet.None;
                    foreach (var a in oc.Arguments)
                    {
                        if (a.Parameter != null && a.Parameter.RefKind != RefKind.None && a.Parameter.RefKind != RefKind.In) Unmodelled("a ref or out argument of a constructor");
                        d.Add(Eval(a.Value, ctrl), FlowPath.Derived);
                    }
                    // Member initialisers run setters; what the initialiser mentions is still what the lowerings see in it.
                    if (oc.Initializer != null) return Unknown(d.With(Mentioned(oc.Initializer), FlowPath.Derived));
                    return PureOperations.Creation(oc.Type) ? d : Unknown(d);
                }
                case IArrayCreationOperation ac:
                {
                    var d = SourceSet.None;
                    foreach (var s in ac.DimensionSizes) d.Add(Eval(s, ctrl), FlowPath.Derived);
                    d.Add(Eval(ac.Initializer, ctrl));
                    return d;
                }
                case ICollectionExpressionOperation ce when ce.Type is IArrayTypeSymbol:
                {
                    // `[a, b, ..xs]` into an array: a new array built from its elements (a spread copies its operand).
                    var d = SourceSet.None;
                    foreach (var e in ce.Elements)
                        if (e is ISpreadOperation spread) d.Add(Eval(spread.Operand, ctrl), FlowPath.Derived);
                        else d.Add(Eval(e, ctrl));
                    return d;
                }
                case IArrayInitializerOperation ai:
                {
                    var d = SourceSet.None;
                    foreach (var e in ai.ElementValues) d.Add(Eval(e, ctrl));
                    return d;
                }
                case ITupleOperation tu:
                {
                    var d = SourceSet.None;
                    foreach (var e in tu.Elements) d.Add(Eval(e, ctrl), FlowPath.Derived);
                    return d;
                }
                case IDefaultValueOperation _:
                case ITypeOfOperation _:
                case ISizeOfOperation _:
                case IDiscardOperation _:
                case ILiteralOperation _:
                    return SourceSet.None;
                case ISimpleAssignmentOperation sa:
                {
                    if (sa.IsRef) Unmodelled("a ref assignment");
                    var v = Eval(sa.Value, ctrl);
                    AssignTo(sa.Target, v, ctrl, MayBeExternal(sa.Value), direct: true);
                    return v.With(Stored(sa.Target), FlowPath.Storage);
                }
                case ICompoundAssignmentOperation ca:
                {
                    // The target's old value is already in the target: reading it back adds nothing a lowering must see.
                    var t = Eval(ca.Target, ctrl);
                    var v = Eval(ca.Value, ctrl).With(t, FlowPath.Conservative);
                    if ((ca.OperatorMethod != null && !PureOperations.TrustedOperator(ca.OperatorMethod)) || ca.InConversion.MethodSymbol != null || ca.OutConversion.MethodSymbol != null)
                        v = Unknown(v);
                    AssignTo(ca.Target, v, ctrl, false, direct: true);
                    return v.With(Stored(ca.Target), FlowPath.Storage);
                }
                case IIncrementOrDecrementOperation id:
                {
                    var t = Eval(id.Target, ctrl);
                    if (id.OperatorMethod != null && !PureOperations.TrustedOperator(id.OperatorMethod)) t = Unknown(t);
                    AssignTo(id.Target, t.Via(FlowPath.Conservative), ctrl, false, direct: true);
                    return t.Via(FlowPath.Derived);
                }
                case IDeconstructionAssignmentOperation da:
                {
                    var v = Eval(da.Value, ctrl);
                    AssignTo(da.Target, v, ctrl, true, direct: false);
                    return v;
                }
                case IDeclarationExpressionOperation de:
                    return Eval(de.Expression, ctrl);
                case ICoalesceOperation co:
                {
                    var v = Eval(co.Value, ctrl);
                    return v.With(Eval(co.WhenNull, ctrl.Push(new ControlFrame(ControlKind.Guard, co, v, null)))).Via(FlowPath.Derived);
                }
                case ICoalesceAssignmentOperation cas:
                {
                    var t = Eval(cas.Target, ctrl);
                    var v = Eval(cas.Value, ctrl.Push(new ControlFrame(ControlKind.Guard, cas, t, null))).With(t, FlowPath.Conservative);
                    AssignTo(cas.Target, v, ctrl, true, direct: true);
                    return v.With(Stored(cas.Target), FlowPath.Storage);
                }
                case IConditionalAccessOperation cao:
                {
                    var v = Eval(cao.Operation, ctrl);
                    _conditionalAccess.Push(v);
                    try
                    {
                        return v.With(Eval(cao.WhenNotNull, ctrl.Push(new ControlFrame(ControlKind.Guard, cao, v, null)))).Via(FlowPath.Derived);
                    }
                    finally
                    {
                        _conditionalAccess.Pop();
                    }
                }
                case IConditionalAccessInstanceOperation _:
                    return _conditionalAccess.Count > 0 ? _conditionalAccess.Peek().With(null) : SourceSet.Any;
                case IInterpolatedStringOperation istr:
                {
                    // Formatting may depend on the culture; formatting other than of numbers and strings runs user code.
                    var d = SourceSet.Any;
                    foreach (var part in istr.Parts)
                        if (part is IInterpolationOperation io)
                        {
                            d.Add(Eval(io.Expression, ctrl), FlowPath.Derived);
                            d.Add(Eval(io.Alignment, ctrl), FlowPath.Derived);
                            if (!(io.Expression.Type is { } t && PureOperations.Formattable(t))) HeapUnknown();
                        }
                    return d;
                }
                default:
                {
                    // Not modelled (try, using, lock, goto labels, …): the table gives up, the lowerings still see the children.
                    Unmodelled(op.Kind.ToString());
                    var d = SourceSet.Any;
                    foreach (var child in op.ChildOperations) d.Add(Eval(child, ctrl), FlowPath.Derived);
                    return d;
                }
            }
        }

        private void Declare(IVariableDeclaratorOperation d, IVariableInitializerOperation? shared, ControlContext ctrl)
        {
            if (d.Symbol.IsRef) Unmodelled("a ref local");
            var init = d.Initializer ?? shared;
            if (init == null)
            {
                Var(d.Symbol);
                return;
            }
            var v = Eval(init.Value, ctrl);
            Assign(d.Symbol, v, ctrl.For(d.Symbol), MayBeExternal(init.Value));
        }

        /// <summary>
        /// A write of <paramref name="value"/> to <paramref name="target"/> under <paramref name="ctrl"/>. A
        /// <paramref name="direct"/> write is an assignment the user wrote to a variable or one of its elements; the
        /// others (deconstruction, <c>out</c>/<c>ref</c>, a struct's field) are followed only as a sound analysis must.
        /// </summary>
        private void AssignTo(IOperation target, SourceSet value, ControlContext ctrl, bool external, bool direct)
        {
            switch (target)
            {
                case ILocalReferenceOperation l:
                    Assign(l.Local, direct ? value : value.Via(FlowPath.Conservative), direct ? ctrl.For(l.Local) : ctrl.All(), external);
                    return;
                case IParameterReferenceOperation p:
                    Assign(p.Parameter, direct ? value : value.Via(FlowPath.Conservative), direct ? ctrl.For(p.Parameter) : ctrl.All(), true);
                    return;
                case IDeclarationExpressionOperation de:
                    AssignTo(de.Expression, value, ctrl, external, direct);
                    return;
                case ITupleOperation t:
                    foreach (var e in t.Elements) AssignTo(e, value, ctrl, true, direct: false);
                    return;
                case IDiscardOperation _:
                    return;
                case IArrayElementReferenceOperation ae:
                {
                    var d = Eval(ae.ArrayReference, ctrl);
                    var indices = SourceSet.None;
                    foreach (var i in ae.Indices) indices.Add(Eval(i, ctrl));
                    d.Add(indices);
                    // The per-variable view: what the lowerings see written into a local's (or parameter's) elements.
                    var array = ae.ArrayReference is ILocalReferenceOperation al ? (ISymbol)al.Local : ae.ArrayReference is IParameterReferenceOperation ap ? ap.Parameter : null;
                    if (array != null)
                    {
                        var v = Var(array);
                        _growth |= v.Contents.Add(value, direct ? FlowPath.Value : FlowPath.Conservative);
                        _growth |= v.Contents.Add(indices, FlowPath.Conservative);
                        _growth |= v.Contents.Add(direct ? ctrl.For(array) : ctrl.All());
                    }
                    // Writing into an array the body did not create changes state that outlives the run (an argument's data).
                    if (MayBeExternal(ae.ArrayReference)) HeapUnknown();
                    else AddHeap(value.With(ctrl.All()).With(d));
                    return;
                }
                case IFieldReferenceOperation f:
                {
                    if (f.Field.IsStatic) return; // reads of mutable static fields are unknown anyway
                    var inst = f.Instance;
                    if (inst == null)
                    {
                        Unmodelled("a field without an instance");
                        return;
                    }
                    if (inst.Type != null && inst.Type.IsValueType)
                    {
                        // A field of a struct held in a variable (or in a field of one): the variable changes.
                        AssignTo(inst, value.With(Eval(inst, ctrl)), ctrl, true, direct: false);
                        return;
                    }
                    var d = Eval(inst, ctrl);
                    if (MayBeExternal(inst)) HeapUnknown();
                    else AddHeap(value.With(ctrl.All()).With(d));
                    return;
                }
                case IPropertyReferenceOperation pr:
                {
                    // A setter is code the analysis cannot see.
                    Eval(pr.Instance, ctrl);
                    foreach (var a in pr.Arguments) Eval(a.Value, ctrl);
                    HeapUnknown();
                    if (pr.Instance != null && pr.Instance.Type != null && pr.Instance.Type.IsValueType) AssignTo(pr.Instance, SourceSet.Any, ctrl, true, direct: false);
                    return;
                }
                default:
                    Unmodelled("a write to " + target.Kind);
                    Eval(target, ctrl);
                    return;
            }
        }

        /// <summary>
        /// What the variable an assignment writes holds (for an element, the array's variable): the value of an
        /// assignment used as an expression is that variable in the lowered code (see <see cref="FlowPath.Storage"/>).
        /// </summary>
        private SourceSet Stored(IOperation target)
        {
            var written = target is IArrayElementReferenceOperation ae ? ae.ArrayReference : target;
            switch (written)
            {
                case ILocalReferenceOperation l:
                    return Var(l.Local).Read;
                case IParameterReferenceOperation p:
                    return Var(p.Parameter).Read;
                default:
                    return SourceSet.None;
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
                    return Var(l.Local).External;
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
                    return op.Type == null || PureOperations.IsMutableReference(op.Type);
            }
        }

        private void ForEach(IForEachLoopOperation fe, ControlContext ctrl)
        {
            if (fe.IsAsynchronous) Unmodelled("await foreach");
            var coll = Eval(fe.Collection, ctrl);
            var source = fe.Collection;
            while (source is IConversionOperation c && c.OperatorMethod == null) source = c.Operand;
            SourceSet element;
            ControlFrame frame;
            if (source.Type is IArrayTypeSymbol || source.Type?.SpecialType == SpecialType.System_String)
            {
                element = coll.With(_heap, FlowPath.Conservative);
                frame = new ControlFrame(ControlKind.Loop, fe, coll, null);
            }
            else
            {
                // GetEnumerator, MoveNext and Current are code the analysis cannot see.
                element = Unknown(coll);
                frame = new ControlFrame(ControlKind.Loop, fe, SourceSet.Any, null);
            }
            var inner = ctrl.Push(frame);
            switch (fe.LoopControlVariable)
            {
                case IVariableDeclaratorOperation d:
                    Assign(d.Symbol, element, inner.All(), true);
                    break;
                case null:
                    break;
                default:
                    AssignTo(fe.LoopControlVariable, element, inner, true, direct: false);
                    break;
            }
            Eval(fe.Body, inner);
        }

        private void Switch(ISwitchOperation sw, ControlContext ctrl)
        {
            var v = Eval(sw.Value, ctrl);
            // Which section runs depends on the value and on every label before it.
            var frame = new ControlFrame(ControlKind.Switch, sw, v.With(null), null);
            var all = ctrl.Push(frame);
            foreach (var c in sw.Cases)
                foreach (var clause in c.Clauses)
                {
                    switch (clause)
                    {
                        case ISingleValueCaseClauseOperation sv:
                            frame.Condition.Add(Eval(sv.Value, ctrl));
                            break;
                        case IPatternCaseClauseOperation pc:
                            frame.Condition.Add(Pattern(pc.Pattern, v, all));
                            frame.Condition.Add(Eval(pc.Guard, all));
                            break;
                        case IDefaultCaseClauseOperation _:
                            break;
                        default:
                            Unmodelled("a " + clause.CaseKind + " case clause");
                            frame.Condition.Add(SourceSet.Any);
                            break;
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
        private SourceSet Pattern(IPatternOperation? p, SourceSet input, ControlContext ctrl)
        {
            switch (p)
            {
                case null:
                case ITypePatternOperation _:
                case IDiscardPatternOperation _:
                    return SourceSet.None;
                case IConstantPatternOperation c:
                    return Eval(c.Value, ctrl);
                case IRelationalPatternOperation r:
                    return Eval(r.Value, ctrl);
                case IDeclarationPatternOperation d:
                    if (d.DeclaredSymbol != null) Assign(d.DeclaredSymbol, input.Via(FlowPath.Conservative), ctrl.All(), true);
                    return SourceSet.None;
                case INegatedPatternOperation n:
                    return Pattern(n.Pattern, input, ctrl);
                case IBinaryPatternOperation b:
                    return Pattern(b.LeftPattern, input, ctrl).With(Pattern(b.RightPattern, input, ctrl));
                default:
                    Unmodelled("a " + p.Kind + " pattern");
                    return SourceSet.Any;
            }
        }

        private SourceSet Field(IFieldReferenceOperation fr, ControlContext ctrl)
        {
            var f = fr.Field;
            if (f.IsStatic)
            {
                // Constants and read-only numbers cannot change between runs; other static state can.
                if (f.IsConst || (f.IsReadOnly && (PureOperations.IsNumber(f.Type) || f.Type.TypeKind == TypeKind.Enum || f.Type.SpecialType == SpecialType.System_String)))
                    return SourceSet.None;
                return SourceSet.Any;
            }
            var inst = Eval(fr.Instance, ctrl).Via(FlowPath.Derived);
            if (fr.Instance?.Type != null && !fr.Instance.Type.IsValueType) inst.Add(_heap, FlowPath.Conservative);
            if (PureOperations.IsMutableReference(f.Type)) inst.Add(_heap, FlowPath.Conservative);
            return inst;
        }

        private SourceSet Property(IPropertyReferenceOperation pr, ControlContext ctrl)
        {
            // An array's length is not a value stored in it: the lowerings keep it a plain int.
            var length = pr.Property.ContainingType?.SpecialType == SpecialType.System_Array && pr.Property.Name == "Length";
            var d = Eval(pr.Instance, ctrl).Via(length ? FlowPath.Conservative : FlowPath.Derived);
            foreach (var a in pr.Arguments) d.Add(Eval(a.Value, ctrl), FlowPath.Derived);
            if (!PureOperations.Property(pr.Property)) return Unknown(d);
            if (PureOperations.IsMutableReference(pr.Type)) d.Add(_heap, FlowPath.Conservative);
            return d;
        }

        private SourceSet Invocation(IInvocationOperation inv, ControlContext ctrl)
        {
            // A call that returns a real value carries its arguments' values; any other result is another kind of value.
            var carried = PureOperations.IsRealShaped(inv.Type) ? FlowPath.Value : FlowPath.Derived;
            var d = Eval(inv.Instance, ctrl).Via(FlowPath.Derived);
            var byRef = new List<IOperation>();
            foreach (var a in inv.Arguments)
            {
                if (a.Parameter != null && (a.Parameter.RefKind == RefKind.Ref || a.Parameter.RefKind == RefKind.Out)) byRef.Add(a.Value);
                else d.Add(Eval(a.Value, ctrl), IsReceiver(inv, a) ? FlowPath.Derived : carried);
            }
            var result = PureOperations.Method(inv.TargetMethod) ? d : Unknown(d);
            if (PureOperations.IsDeterministic(inv.TargetMethod)) result.Add(SourceSet.Of(DeterministicSource(inv)));
            // What a callee writes through ref and out arguments depends on its inputs (and for unknown code, on anything).
            foreach (var r in byRef) AssignTo(r, result.With(ctrl.All()).With(Eval(r, ctrl)), ctrl, true, direct: false);
            return result;
        }

        /// <summary>True for the receiver of an extension method called as <c>x.M()</c>: an argument of the method, but not one the user wrote in the list.</summary>
        private static bool IsReceiver(IInvocationOperation inv, IArgumentOperation a) =>
            inv.TargetMethod.IsExtensionMethod && a.Parameter?.Ordinal == 0 && inv.Syntax is InvocationExpressionSyntax call &&
            call.Expression is MemberAccessExpressionSyntax ma && ma.Expression.Span.Contains(a.Value.Syntax.Span);

        private int DeterministicSource(IInvocationOperation inv)
        {
            if (!_deterministic.TryGetValue(inv.Syntax, out var id))
            {
                id = _sources.Count;
                _sources.Add(IrSource.ForDeterministic(id, inv));
                _deterministic[inv.Syntax] = id;
            }
            return id;
        }

        /// <summary>The value of an effect site (and its dependencies, recorded on the site).</summary>
        private SourceSet SiteValue(IInvocationOperation inv, IrSite site, ControlContext ctrl)
        {
            var byOrdinal = new Dictionary<int, SourceSet>();
            var operations = new Dictionary<int, IOperation>();
            var mutableArgument = false;
            foreach (var a in inv.Arguments)
            {
                if (a.Parameter == null)
                {
                    Unmodelled("an argument without a parameter");
                    continue;
                }
                byOrdinal[a.Parameter.Ordinal] = Eval(a.Value, ctrl);
                operations[a.Parameter.Ordinal] = a.Value;
                // (Call's first argument is the generative function itself, not data it could write into.)
                var callee = site.Kind == SiteKind.Call && a.Parameter.Ordinal == 0;
                if (!callee && PureOperations.IsMutableReference(a.Value.Type) && !(a.Value is IConversionOperation c && c.Operand.Type != null && c.Operand.Type.IsValueType))
                    mutableArgument = true;
            }
            site.Operation = inv;
            site.Arguments = operations;
            site.ArgumentDependencies = byOrdinal;
            site.Enclosing = ctrl.Frames;
            SourceSet Arg(int i) => byOrdinal.TryGetValue(i, out var d) ? d : SourceSet.None;
            var own = SourceSet.Of(site.Index);
            switch (site.Kind)
            {
                case SiteKind.Sample:
                {
                    if (site.Site.StaticName != null)
                    {
                        Record(site, Arg(0).With(ctrl.All()));
                        return own;
                    }
                    if (site.Site.FamilyName == null) return own.With(SourceSet.Any);
                    // A kept value at a run-time address is the old one at that address: it depends on the address too.
                    for (var i = site.Site.AddressStart; i < site.Site.AddressStart + site.Site.AddressCount; i++) own.Add(Arg(i), FlowPath.Derived);
                    return own;
                }
                case SiteKind.Observe:
                    if (site.Site.StaticName != null) Record(site, Arg(0).With(Arg(1)).With(ctrl.All()));
                    return SourceSet.None;
                case SiteKind.Factor:
                    return SourceSet.None;
                default:
                    // Calls: the callee's return value may change whenever anything inside it does; a callee given
                    // an array or object may write into it.
                    if (mutableArgument || site.Kind == SiteKind.Param) HeapUnknown();
                    return own.With(SourceSet.Any);
            }
        }

        private static void Record(IrSite site, SourceSet d)
        {
            if (site.Dependencies != null) site.Dependencies.Add(d);
            else site.Dependencies = d.With(null);
        }

        /// <summary>
        /// What code the walk does not enter mentions (a lambda's reads of the body's variables, an object initialiser's
        /// values, the sites in them): read without side effects, for the lowerings, which treat such code as a whole.
        /// </summary>
        private SourceSet Mentioned(IOperation code)
        {
            var d = SourceSet.None;
            foreach (var op in code.DescendantsAndSelf())
            {
                if (op is IInvocationOperation inv && _sitesByNode.TryGetValue(inv.Syntax, out var site))
                {
                    d.Add(SourceSet.Of(site.Index));
                    continue;
                }
                var symbol = op is ILocalReferenceOperation l ? l.Local : op is IParameterReferenceOperation p ? (ISymbol)p.Parameter : null;
                if (symbol != null && SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, _method)) d.Add(Var(symbol).Read);
            }
            return d;
        }

        /// <summary>
        /// Lambdas and local functions run whenever they are called, which a flow-insensitive walk of the body cannot
        /// place: one that assigns the body's own variables is unmodelled (true).
        /// </summary>
        private bool AssignsTheBodysVariables(IOperation function)
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
                    if (symbol != null && SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, _method))
                    {
                        Unmodelled("a lambda or local function that assigns the body's variables");
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
