using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// The generator's intermediate representation of one model (or helper) body, built once from Roslyn's
    /// <see cref="IOperation"/> tree: its effect sites (with their arguments and the conditions and loops around them),
    /// its sources (sites, parameters, <c>Deterministic</c> values), its locals and parameters, and the result of one
    /// data-flow fixed point (<see cref="DataFlow"/>): for every variable, every site and the shared heap, the sources
    /// each may depend on and by which kinds of path (<see cref="FlowPath"/>).
    /// </summary>
    /// <remarks>
    /// The three analyses the generator used to run separately are queries over it: the dependency table for update
    /// and regenerate (<see cref="DependencyAnalysis"/>: every path, "anything" means always recompute), the batched
    /// form's taint (sources that are random choices, <see cref="FlowPath.Derived"/> paths) and the differentiable
    /// form's Real locals (continuous choices, <see cref="FlowPath.Value"/> paths only).
    /// </remarks>
    internal sealed class ModelIr
    {
        internal ModelIr(IMethodSymbol method, IReadOnlyList<IrSite> sites, IReadOnlyList<IrSource> sources, IReadOnlyDictionary<ISymbol, IrVariable> variables,
            SourceSet heap, SourceSet jumps, string? unmodelled, int soundPasses, bool complete)
        {
            Method = method;
            Sites = sites;
            Sources = sources;
            Variables = variables;
            Heap = heap;
            Jumps = jumps;
            Unmodelled = unmodelled;
            SoundPasses = soundPasses;
            Complete = complete;
        }

        /// <summary>The analysed method.</summary>
        public IMethodSymbol Method { get; }

        /// <summary>The effect sites, in the order the site finder listed them.</summary>
        public IReadOnlyList<IrSite> Sites { get; }

        /// <summary>The sources, by id: the sites first (id = site index), then the parameters, then the <c>Deterministic</c> calls.</summary>
        public IReadOnlyList<IrSource> Sources { get; }

        /// <summary>The locals and parameters the walk met, by symbol.</summary>
        public IReadOnlyDictionary<ISymbol, IrVariable> Variables { get; }

        /// <summary>What the contents of arrays and objects may depend on (one pseudo-variable for all of them).</summary>
        public SourceSet Heap { get; }

        /// <summary>What the conditions of <c>break</c>, <c>continue</c> and <c>return</c> depend on (a jump changes what runs after it).</summary>
        public SourceSet Jumps { get; }

        /// <summary>
        /// The construct a sound analysis does not model (goto, try, ref locals, a lambda assigning the body's variables…),
        /// or null. The walk goes on past it so that the lowerings still get their answers, but the dependency table gives up.
        /// </summary>
        public string? Unmodelled { get; }

        /// <summary>How many passes the coarse lattice (sources and "anything", without paths) needed to settle.</summary>
        public int SoundPasses { get; }

        /// <summary>False when the fixed point could not be computed at all (no operation tree, or an unexpected failure): no answer is trustworthy.</summary>
        public bool Complete { get; }

        /// <summary>
        /// Builds the IR of <paramref name="method"/> from its declaration (a method or local function declaration),
        /// with <paramref name="sites"/> as the effect sites; never throws except for cancellation.
        /// </summary>
        public static ModelIr Build(SemanticModel model, IMethodSymbol method, SyntaxNode declaration, IReadOnlyList<Site> sites, CancellationToken ct) =>
            DataFlow.Run(model, method, declaration, sites, ct);

        /// <summary>
        /// An IR that was not built (<see cref="Complete"/> false): for a model the dynamic tracer runs, whose dependency
        /// table and lowered forms are never made, so that no analysis is spent on it.
        /// </summary>
        public static ModelIr NotBuilt(IMethodSymbol method) =>
            new ModelIr(method, new IrSite[0], new IrSource[0], new Dictionary<ISymbol, IrVariable>(SymbolEqualityComparer.Default),
                SourceSet.None, SourceSet.None, null, 0, complete: false);

        /// <summary>The variable for <paramref name="symbol"/>, or null when the walk never met it.</summary>
        public IrVariable? Variable(ISymbol symbol) => Variables.TryGetValue(symbol, out var v) ? v : null;

        /// <summary>True when a source that <paramref name="accept"/> accepts reaches <paramref name="set"/> by a path made of <paramref name="allowed"/> steps.</summary>
        public bool Reaches(SourceSet set, Func<IrSource, bool> accept, FlowPath allowed) => set.Reaches(id => accept(Sources[id]), allowed);

        /// <summary>
        /// The locals and parameters whose value (or, for an array, whose elements) a source that <paramref name="accept"/>
        /// accepts reaches by a path made of <paramref name="allowed"/> steps: the lowerings' "which locals change type".
        /// </summary>
        public HashSet<ISymbol> VariablesReaching(Func<IrSource, bool> accept, FlowPath allowed)
        {
            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var v in Variables.Values)
                if (Reaches(v.Value, accept, allowed) || Reaches(v.Contents, accept, allowed)) result.Add(v.Symbol);
            return result;
        }
    }
}
