%% term_to_binary/binary_to_term of a 100-element mixed term on BEAM, for comparison with
%% bench/etf.mjs. Prints one JSON line: operations per CPU second for each, the best of Runs
%% rounds of about 200 ms, and the encoded term in hex so the JS side measures the same term.
%% CPU time, not wall time: the machines this runs on are shared, and a round that was
%% preempted would count the other programs' time. Run it with one scheduler and no busy
%% waiting (+S 1 +sbwt none ...), so the runtime's CPU time is this loop's.
-module(etf).
-export([main/1, term/0]).

main(Runs) ->
    T = term(),
    Bin = term_to_binary(T, [{minor_version, 2}]),
    Encode = best(Runs, fun(N) -> encode_loop(T, N) end),
    Decode = best(Runs, fun(N) -> decode_loop(Bin, N) end),
    io:format("{\"bytes\":~b,\"encodeOpsPerSec\":~b,\"decodeOpsPerSec\":~b,\"hex\":\"~s\"}~n",
              [byte_size(Bin), Encode, Decode, binary:encode_hex(Bin)]).

%% A list of 100 elements of ten kinds, the kinds messages carry: small and 32-bit integers, a
%% float, an atom, a binary, a tagged tuple, a string, a map, a bignum, a short list.
term() ->
    [element(I) || I <- lists:seq(1, 100)].

element(I) ->
    case I rem 10 of
        0 -> I;
        1 -> I * 1000003;
        2 -> I + 0.5;
        3 -> lists:nth(I rem 7 + 1, [ok, error, hello, world, undefined, reply, noreply]);
        4 -> <<"payload-", (integer_to_binary(I))/binary>>;
        5 -> {user, I, <<"name">>};
        6 -> "hello world";
        7 -> #{id => I, name => <<"x">>, active => true};
        8 -> (1 bsl 70) + I;
        9 -> [I, I + 1, I + 2]
    end.

best(Runs, Loop) ->
    N = calibrate(Loop, 1000),
    lists:max([round(N * 1000 / max(1, cpu_ms(Loop, N))) || _ <- lists:seq(1, Runs)]).

cpu_ms(Loop, N) ->
    {_, _} = statistics(runtime),
    Loop(N),
    {_, Ms} = statistics(runtime),
    Ms.

%% Enough iterations for about 200 ms of CPU.
calibrate(Loop, N) ->
    case cpu_ms(Loop, N) of
        Ms when Ms < 20 -> calibrate(Loop, N * 4);
        Ms -> max(1, round(N * 200 / Ms))
    end.

%% The results are used: the compiler drops a pure BIF call whose result nobody reads.
encode_loop(T, N) -> encode_loop(T, N, 0).
encode_loop(_, 0, Acc) -> Acc;
encode_loop(T, N, Acc) -> encode_loop(T, N - 1, Acc + byte_size(term_to_binary(T))).

decode_loop(B, N) -> decode_loop(B, N, 0).
decode_loop(_, 0, Acc) -> Acc;
decode_loop(B, N, Acc) -> decode_loop(B, N - 1, Acc + length(binary_to_term(B))).
