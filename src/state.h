/*
 * state.h - aggregate transition states as real SQL types.
 *
 * Every order-independent pgpref aggregate keeps its transition state in a
 * documented SQL type (pref.tally, pref.dpo_state, pref.gram_state, ...)
 * rather than `internal`, so that Citus can split it across workers and move
 * partial states as text.  In memory the state is a read/write expanded
 * object owned by the aggregate context: the executor adopts it without
 * copying, the transition function updates it in place, and it is flattened
 * only when it is output, sent, stored or passed between parallel workers.
 *
 * A family supplies two methods over its own in-memory struct:
 *   flatten: write the state as a flat varlena (header set, palloc'd);
 *   expand:  validate a flat value completely and build the in-memory state
 *            in a given memory context; raise a clear error on bad input.
 * expand is the one validator of the type: the text input, the binary
 * receive function and the combine function all go through it.
 *
 * Text form of the families without a text form of their own: "v1:" then
 * the flat value's bytes in base64.  Binary form: the flat value's bytes.
 * Both are little-endian IEEE-754 layouts with a version byte up front.
 */
#ifndef PGPREF_STATE_H
#define PGPREF_STATE_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

typedef struct PrefStateMethods
{
	const char *name;			/* SQL type name, e.g. "pref.gram_state" */
	struct varlena *(*flatten) (void *state);
	void	   *(*expand) (const struct varlena *flat, MemoryContext ctx);
} PrefStateMethods;

typedef struct PrefState
{
	ExpandedObjectHeader hdr;
	const PrefStateMethods *methods;
	void	   *state;			/* the family's struct, in hdr.eoh_context */
	struct varlena *flat;		/* cache between get_flat_size and flatten_into */
} PrefState;

/* Memory context that owns a PrefState and its in-memory struct */
#define PrefStateMemory(ps) ((ps)->hdr.eoh_context)

/* The datum to return from a transition or combine function */
#define PrefStateDatum(ps) EOHPGetRWDatum(&(ps)->hdr)

/*
 * New expanded state (state pointer NULL) as a child of the aggregate
 * context; the caller builds its struct in PrefStateMemory(ps).
 */
extern PrefState *PrefStateCreate(const PrefStateMethods *m, MemoryContext aggctx);

/*
 * The state argument argno of a transition or combine function: NULL when
 * the argument is NULL; the object itself when it is a read/write expanded
 * state of this family; otherwise a validated expanded copy of the flat
 * value, owned by aggctx.
 */
extern PrefState *PrefStateArgSlow(FunctionCallInfo fcinfo, int argno,
								   const PrefStateMethods *m, MemoryContext aggctx);

/* The expanded-object methods of every PrefState */
extern const ExpandedObjectMethods PrefStateEOHMethods;

/*
 * Per row the state is the read/write object the transition returned for
 * the previous row: that case is recognised inline, a call less per row.
 */
static inline PrefState *
PrefStateArg(FunctionCallInfo fcinfo, int argno, const PrefStateMethods *m,
			 MemoryContext aggctx)
{
	if (!PG_ARGISNULL(argno))
	{
		Pointer		p = DatumGetPointer(PG_GETARG_DATUM(argno));

		if (VARATT_IS_EXTERNAL_EXPANDED_RW(p))
		{
			PrefState  *ps = (PrefState *) DatumGetEOHP(PointerGetDatum(p));

			if (ps->hdr.eoh_methods == &PrefStateEOHMethods && ps->methods == m &&
				MemoryContextGetParent(PrefStateMemory(ps)) == aggctx)
				return ps;
		}
	}
	return PrefStateArgSlow(fcinfo, argno, m, aggctx);
}

/*
 * Read-only view of a state value (flat or expanded): the family's struct.
 * A flat value is validated and expanded into CurrentMemoryContext.
 */
extern void *PrefStateRead(Datum d, const PrefStateMethods *m);

/* Shared I/O of the state types (text "v1:" + base64, binary = bytes) */
extern Datum PrefStateIn(const char *str, const PrefStateMethods *m);
extern char *PrefStateOut(Datum d, const PrefStateMethods *m);
extern Datum PrefStateRecv(StringInfo buf, const PrefStateMethods *m);
extern bytea *PrefStateSend(Datum d, const PrefStateMethods *m);

/*
 * The four type I/O functions of a state type with the shared text and
 * binary forms: pref_<name>_in/out/recv/send over the family's methods.
 */
#define PGPREF_STATE_TYPE_IO(name, methods) \
	PG_FUNCTION_INFO_V1(pref_##name##_in); \
	Datum pref_##name##_in(PG_FUNCTION_ARGS); \
	Datum pref_##name##_in(PG_FUNCTION_ARGS) \
	{ PG_RETURN_DATUM(PrefStateIn(PG_GETARG_CSTRING(0), (methods))); } \
	PG_FUNCTION_INFO_V1(pref_##name##_out); \
	Datum pref_##name##_out(PG_FUNCTION_ARGS); \
	Datum pref_##name##_out(PG_FUNCTION_ARGS) \
	{ PG_RETURN_CSTRING(PrefStateOut(PG_GETARG_DATUM(0), (methods))); } \
	PG_FUNCTION_INFO_V1(pref_##name##_recv); \
	Datum pref_##name##_recv(PG_FUNCTION_ARGS); \
	Datum pref_##name##_recv(PG_FUNCTION_ARGS) \
	{ PG_RETURN_DATUM(PrefStateRecv((StringInfo) PG_GETARG_POINTER(0), (methods))); } \
	PG_FUNCTION_INFO_V1(pref_##name##_send); \
	Datum pref_##name##_send(PG_FUNCTION_ARGS); \
	Datum pref_##name##_send(PG_FUNCTION_ARGS) \
	{ PG_RETURN_BYTEA_P(PrefStateSend(PG_GETARG_DATUM(0), (methods))); }

/*
 * Memory context that owns new states: the aggregate's, or the caller's when
 * a support function is called directly (e.g. to merge stored states)
 */
extern MemoryContext PrefStateContext(FunctionCallInfo fcinfo);

/*
 * The body shared by the combine functions of the PrefState families: NULL
 * when both states are NULL; the first state when the second is NULL;
 * otherwise the second state merged into the first, which is the first
 * argument's read/write state or a copy in ctx, or a new empty state built
 * by empty(memory, like the second) when the first is NULL.  merge folds
 * from into into, growing it in mem (into == from on a direct call that
 * passes one object twice).
 */
typedef void *(*PrefStateEmptyFn) (MemoryContext mem, const void *like);
typedef void (*PrefStateMergeFn) (void *into, void *from, MemoryContext mem);

extern Datum PrefStateCombine(FunctionCallInfo fcinfo, const PrefStateMethods *m,
							  MemoryContext ctx, PrefStateEmptyFn empty,
							  PrefStateMergeFn merge);

/*
 * Shared wire reader for expand functions: a cursor over a flat value's
 * payload whose reads fail with one message naming the type.
 */
typedef struct PrefWire
{
	const char *data;
	Size		len;
	Size		pos;
	const char *name;
} PrefWire;

extern void PrefWireInit(PrefWire *w, const struct varlena *flat, const char *name);
extern void PrefWireRead(PrefWire *w, void *dst, Size bytes);
extern void PrefWireReadArray(PrefWire *w, void *dst, Size count, Size elemsize);
extern void PrefWireReadFinite(PrefWire *w, double *dst, Size count, const char *detail);

/* The usual detail for PrefWireReadFinite */
#define PREF_WIRE_NOT_FINITE "The value holds a NaN or infinite number."
extern Size PrefWireLeft(PrefWire *w);
extern void PrefWireEnd(PrefWire *w);
extern void PrefWireCheck(PrefWire *w, bool ok, const char *detail);

/* Error for hostile or corrupt state input, naming the type */
extern void PrefStateCorrupt(const char *name, const char *detail) pg_attribute_noreturn();

#endif							/* PGPREF_STATE_H */
